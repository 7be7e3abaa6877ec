"""ADR 0024: a service trusts the local issuer only in dev mode, accepts only tokens naming it, refuses a token
whose header and key disagree (401, never 500), a token living longer than allowed, and keeps the signing key
private."""

import json
import stat
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import HTTPException

from svu_shared import local_issuer
from svu_shared.auth import TokenVerifier
from svu_shared.http_app import InsecureAuthSettings, token_verifier
from svu_shared.settings import HttpSettings


def settings(**values: object) -> HttpSettings:
    return HttpSettings(port=8000, **values)  # type: ignore[arg-type]


def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(HTTPException) as raised:
        verifier.verify(token)
    assert raised.value.status_code == 401
    return str(raised.value.detail)


def signed(claims: dict, **overrides: object) -> str:
    kid = json.loads(local_issuer.JWKS.read_text())["keys"][0]["kid"]
    return jwt.encode({**claims, **overrides}, local_issuer.KEY.read_bytes(), algorithm="ES256", headers={"kid": kid})


def claims(now: int) -> dict:
    return {
        "iss": local_issuer.ISSUER,
        "aud": "svu-planning",
        "sub": "u",
        "role": "ward",
        "org": "W1",
        "iat": now,
        "exp": now + 600,
    }


def test_without_dev_mode_a_service_refuses_to_start_on_the_local_issuer(monkeypatch):
    monkeypatch.delenv("SVU_AUTH_MODE", raising=False)
    with pytest.raises(InsecureAuthSettings) as stopped:
        token_verifier("planning", settings())
    assert "auth_jwks_url" in str(stopped.value) and "auth_issuer" in str(stopped.value)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"auth_jwks_url": "http://idp.example/jwks", "auth_issuer": "https://idp.example"}, "auth_jwks_url"),
        ({"auth_jwks_url": "file:///keys/jwks.json", "auth_issuer": "https://idp.example"}, "auth_jwks_url"),
        ({"auth_jwks_url": "https://idp.example/jwks"}, "auth_issuer"),
        ({"auth_jwks_url": "https://idp.example/jwks", "auth_issuer": local_issuer.ISSUER}, "auth_issuer"),
    ],
)
def test_production_needs_an_https_jwks_and_the_regions_issuer(monkeypatch, values, named):
    monkeypatch.delenv("SVU_AUTH_MODE", raising=False)
    with pytest.raises(InsecureAuthSettings) as stopped:
        token_verifier("planning", settings(**values))
    assert named in str(stopped.value)


def test_production_settings_start():
    verifier = token_verifier(
        "planning",
        settings(auth_mode="oidc", auth_jwks_url="https://idp.example/jwks", auth_issuer="https://idp.example"),
    )
    assert isinstance(verifier, TokenVerifier)


def test_a_service_accepts_only_tokens_that_name_it():
    local_issuer.ensure_keys()
    planning = token_verifier("planning", settings(auth_mode="dev"))
    now = int(time.time())
    assert planning.verify(signed(claims(now))).subject == "u"
    assert planning.verify(local_issuer.token("ward", "W1")).org == "W1"  # the local issuer names all four
    assert "audience" in refused(planning, signed(claims(now), aud="svu-billing")).lower()
    assert "audience" in refused(planning, signed(claims(now), aud="svu")).lower()


def test_a_header_naming_another_algorithm_than_its_key_is_a_401_not_a_500():
    local_issuer.ensure_keys()
    kid = json.loads(local_issuer.JWKS.read_text())["keys"][0]["kid"]
    verifier = token_verifier("planning", settings(auth_mode="dev"))
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(int(time.time())), rsa_key, algorithm="RS256", headers={"kid": kid})
    assert "alg" in refused(verifier, token)


def test_a_small_clock_leeway_and_a_maximum_lifetime():
    local_issuer.ensure_keys()
    verifier = token_verifier("planning", settings(auth_mode="dev", auth_leeway_seconds=30))
    now = int(time.time())
    assert verifier.verify(signed(claims(now), exp=now - 10)).subject == "u"  # a clock 10 s behind
    refused(verifier, signed(claims(now), exp=now - 120))
    refused(verifier, signed(claims(now), iat=now + 600, exp=now + 900))  # issued in the future
    too_long = signed(claims(now), exp=now + 8 * 3600 + 60)
    assert "at most" in refused(verifier, too_long)
    assert "iat" in refused(verifier, signed({k: v for k, v in claims(now).items() if k != "iat"}))


def test_the_signing_key_is_private_to_its_owner(tmp_path: Path, monkeypatch):
    directory = tmp_path / "issuer"
    monkeypatch.setattr(local_issuer, "DIRECTORY", directory)
    monkeypatch.setattr(local_issuer, "KEY", directory / "signing-key.pem")
    monkeypatch.setattr(local_issuer, "JWKS", directory / "jwks.json")
    local_issuer.ensure_keys()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "signing-key.pem").stat().st_mode) == 0o600
    assert json.loads((directory / "jwks.json").read_text())["keys"][0]["kty"] == "EC"
