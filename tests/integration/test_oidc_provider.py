"""The real OpenID Connect provider (Keycloak, ADR 0018) and its realm `svu`, before the web application uses it:
the authorization code flow with PKCE gives tokens the services accept, with the claims `role` and `org`."""

import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest

from svu_shared import local_issuer
from svu_shared.auth import TokenVerifier
from tests.support.oidc import (
    REALM_USERS,
    OidcProvider,
    authorization_code,
    authorization_code_flow,
    pkce_pair,
    send_cookies,
)

pytestmark = pytest.mark.oidc

CALLBACK = "http://127.0.0.1:18000/auth/callback"


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    """A client with its own cookies, as one browser."""
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def discovery(oidc_provider: OidcProvider) -> dict:
    return httpx.get(oidc_provider.discovery_url, timeout=30).raise_for_status().json()


def claims(token: str, provider: OidcProvider, audience: str) -> dict:
    """The token's claims, its signature checked against the provider's JWKS (as the services do)."""
    key = jwt.PyJWKClient(provider.jwks_url).get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        key.key,
        algorithms=["RS256", "ES256"],
        audience=audience,
        issuer=provider.issuer,
        options={"require": ["exp", "iss", "aud", "sub"]},
    )


def test_discovery_names_the_endpoints_the_web_application_uses(oidc_provider: OidcProvider, discovery: dict):
    assert discovery["issuer"] == oidc_provider.issuer == "http://127.0.0.1:18080/realms/svu"
    prefix = f"{oidc_provider.issuer}/protocol/openid-connect"
    assert discovery["authorization_endpoint"] == f"{prefix}/auth"
    assert discovery["token_endpoint"] == f"{prefix}/token"
    assert discovery["end_session_endpoint"] == f"{prefix}/logout"
    assert discovery["jwks_uri"] == oidc_provider.jwks_url
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert "client_secret_basic" in discovery["token_endpoint_auth_methods_supported"]


@pytest.mark.parametrize("role", sorted(REALM_USERS))
def test_each_user_signs_in_with_pkce_and_gets_role_and_org(
    oidc_provider: OidcProvider, browser: httpx.Client, discovery: dict, role: str
):
    username, password = oidc_provider.users[role]
    org = oidc_provider.orgs[role]
    sign_in = authorization_code_flow(oidc_provider, browser, username, password, redirect_uri=CALLBACK)
    tokens = sign_in.tokens

    id_token = claims(tokens["id_token"], oidc_provider, audience=oidc_provider.client_id)
    assert id_token["iss"] == oidc_provider.issuer
    assert oidc_provider.client_id in ([id_token["aud"]] if isinstance(id_token["aud"], str) else id_token["aud"])
    assert id_token["nonce"] == sign_in.nonce
    assert (id_token["role"], id_token["org"], id_token["preferred_username"]) == (role, org, username)

    access_token = claims(tokens["access_token"], oidc_provider, audience=oidc_provider.audience)
    assert (access_token["role"], access_token["org"], access_token["azp"]) == (role, org, oidc_provider.client_id)
    assert id_token["sub"] == access_token["sub"]

    # The access token names every service, as the local issuer's do (ADR 0024: each service accepts only tokens
    # naming it), so the web application can forward it; each service's own verifier accepts it as it is.
    assert set(local_issuer.audiences()) <= set(access_token["aud"])
    for audience in local_issuer.audiences():
        verifier = TokenVerifier(oidc_provider.jwks_url, oidc_provider.issuer, audience)
        principal = verifier.verify(tokens["access_token"])
        assert (principal.role, principal.org, principal.subject) == (role, org, access_token["sub"])

    userinfo = (
        browser.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
        .raise_for_status()
        .json()
    )
    assert (userinfo["role"], userinfo["org"]) == (role, org)


def test_localhost_callback_on_any_port_is_accepted(oidc_provider: OidcProvider, browser: httpx.Client):
    """Loopback redirect URIs are registered without a port: Keycloak then accepts any port (RFC 8252 §7.3)."""
    sign_in = authorization_code_flow(
        oidc_provider, browser, "ekonom", redirect_uri="http://localhost:18057/auth/callback"
    )
    assert sign_in.tokens["token_type"].lower() == "bearer"


def test_an_authorize_request_without_pkce_is_refused(
    oidc_provider: OidcProvider, browser: httpx.Client, discovery: dict
):
    query = {
        "response_type": "code",
        "client_id": oidc_provider.client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid",
        "state": "s1",
    }
    answer = browser.get(f"{discovery['authorization_endpoint']}?{urlencode(query)}")
    assert answer.status_code == 302
    error = parse_qs(urlsplit(answer.headers["location"]).query)
    assert error["error"] == ["invalid_request"] and "code_challenge_method" in error["error_description"][0]


def test_a_code_with_the_wrong_verifier_is_refused(oidc_provider: OidcProvider, browser: httpx.Client, discovery: dict):
    _verifier, challenge = pkce_pair()
    code = authorization_code(
        oidc_provider, browser, "avd.sjukskoterska", redirect_uri=CALLBACK, code_challenge=challenge
    )
    exchange = browser.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": secrets.token_urlsafe(48),
        },
        auth=(oidc_provider.client_id, oidc_provider.client_secret),
    )
    assert exchange.status_code == 400 and exchange.json()["error"] == "invalid_grant"


def test_an_unregistered_redirect_uri_is_refused(oidc_provider: OidcProvider, browser: httpx.Client, discovery: dict):
    _verifier, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": oidc_provider.client_id,
        "scope": "openid",
        "redirect_uri": "http://attacker.invalid/auth/callback",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    answer = browser.get(f"{discovery['authorization_endpoint']}?{urlencode(query)}")
    assert answer.status_code == 400 and "location" not in answer.headers


def test_logout_returns_to_the_application_and_ends_the_session(
    oidc_provider: OidcProvider, browser: httpx.Client, discovery: dict
):
    tokens = authorization_code_flow(oidc_provider, browser, "admin", redirect_uri=CALLBACK).tokens
    query = {
        "id_token_hint": tokens["id_token"],
        "post_logout_redirect_uri": "http://127.0.0.1:18000/",
        "client_id": oidc_provider.client_id,
        "state": "bye",
    }
    answer = browser.get(f"{discovery['end_session_endpoint']}?{urlencode(query)}", headers=send_cookies(browser))
    assert answer.status_code == 302
    assert answer.headers["location"] == "http://127.0.0.1:18000/?state=bye"
    refresh = browser.post(
        discovery["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(oidc_provider.client_id, oidc_provider.client_secret),
    )
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
