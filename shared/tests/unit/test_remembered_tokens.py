"""ADR 0020: a verified token is remembered for at most a minute and never past its expiry; a token that fails is
never remembered."""

import pytest
from fastapi import HTTPException

from svu_shared import auth, local_issuer
from svu_shared.auth import TokenVerifier


@pytest.fixture
def verifier() -> TokenVerifier:
    local_issuer.ensure_keys()
    return TokenVerifier(local_issuer.jwks_url(), local_issuer.ISSUER, "svu-planning")


def test_a_verified_token_is_remembered_for_a_minute(verifier, monkeypatch):
    token = local_issuer.token("ward", "SE-W1")
    assert verifier.remembered(token) is None
    principal = verifier.verify(token)
    assert verifier.remembered(token) == principal
    now = auth.time.time()
    monkeypatch.setattr(auth.time, "time", lambda: now + auth.VERIFIED_SECONDS + 1)
    assert verifier.remembered(token) is None


def test_a_token_is_not_remembered_past_its_expiry(verifier, monkeypatch):
    token = local_issuer.token("ward", "SE-W1", ttl_seconds=5)
    verifier.verify(token)
    now = auth.time.time()
    monkeypatch.setattr(auth.time, "time", lambda: now + 6)
    assert verifier.remembered(token) is None


def test_a_token_that_fails_is_not_remembered(verifier):
    token = local_issuer.token("ward", "SE-W1", aud="someone-else")
    with pytest.raises(HTTPException):
        verifier.verify(token)
    assert verifier.remembered(token) is None
