"""The real OpenID Connect provider for the test run (Keycloak, started by deploy/oidc/oidc.sh; ADR 0018), and
the authorization code flow with PKCE driven by httpx alone, as a browser would.

When the provider cannot be started the run fails loudly (pytest.exit with the script's output), with or without
CI=true: a missing real part never turns into skipped tests.
"""

import base64
import hashlib
import os
import secrets
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from deploy.local_system import ROOT

OIDC_PORT = int(os.environ.get("SVU_TEST_OIDC_PORT", "18080"))
SCRIPT = "deploy/oidc/oidc.sh"

# The realm's users (deploy/oidc/realm-svu.json): role -> (username, org). One password for all of them.
PASSWORD = "svu-dev-password"
REALM_USERS: dict[str, tuple[str, str]] = {
    "ward": ("avd.sjukskoterska", "SE2321000016-MEDAVD3"),
    "municipality": ("malmo.samordnare", "1280"),
    "primary_care": ("vc.sjukskoterska", "SE2321000016-VCLIMHAMN"),
    "finance": ("ekonom", "SE2321000016-EKONOMI"),
    "admin": ("admin", "SE2321000016-IT"),
}


def _run(*args: str, env: dict[str, str]) -> str:
    command = f"{SCRIPT} {' '.join(args)}"
    try:
        result = subprocess.run(
            [str(ROOT / SCRIPT), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired as exc:
        parts = (exc.stdout, exc.stderr)  # bytes, even with text=True
        output = "\n".join(p.decode(errors="replace") if isinstance(p, bytes) else p for p in parts if p)
        pytest.exit(f"{command} did not finish in {exc.timeout} s:\n{output}", returncode=3)
    if result.returncode != 0:
        pytest.exit(
            f"{command} failed (CI={os.environ.get('CI', '')}):\n{result.stdout}\n{result.stderr}", returncode=3
        )
    return result.stdout


class OidcProvider:
    """Keycloak on 127.0.0.1:<port>, realm `svu`, confidential client `svu-web` (standard flow, PKCE S256)."""

    realm = "svu"
    client_id = "svu-web"
    client_secret = "svu-web-dev-secret"
    # In every access token, with each service's own (svu-admission, ...; ADR 0024); ID tokens carry client_id.
    audience = "svu"

    def __init__(self, port: int = OIDC_PORT) -> None:
        self.port = port
        self.env = {"OIDC_PORT": str(port)}
        self.base_url = f"http://127.0.0.1:{port}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{self.realm}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def users(self) -> dict[str, tuple[str, str]]:
        """role -> (username, password)."""
        return {role: (username, PASSWORD) for role, (username, _org) in REALM_USERS.items()}

    @property
    def orgs(self) -> dict[str, str]:
        """role -> the org claim of that role's user."""
        return {role: org for role, (_username, org) in REALM_USERS.items()}

    def start(self, fresh: bool = False) -> None:
        """Starts the provider (already running: nothing to do). `fresh` forgets its database and imports the
        realm again (about 15 s more)."""
        _run("start", env={**self.env, "OIDC_FRESH": "1" if fresh else "0"})

    def stop(self) -> None:
        _run("stop", env=self.env)

    def running(self) -> bool:
        status = subprocess.run(
            [str(ROOT / SCRIPT), "status"], env={**os.environ, **self.env}, capture_output=True, timeout=30
        )
        return status.returncode == 0


@dataclass(frozen=True)
class SignIn:
    """What the client holds after the code exchange: the token response and the values it sent."""

    tokens: dict
    redirect_uri: str
    nonce: str


class _LoginForm(HTMLParser):
    """The action of Keycloak's login form (<form id="kc-form-login" action="...">)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == "kc-form-login":
            self.action = attributes.get("action")


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def send_cookies(client: httpx.Client) -> dict[str, str]:
    """A Cookie header with every cookie the client holds. Keycloak marks its login cookies Secure even on plain
    HTTP; a browser sends them to http://127.0.0.1 and http://localhost (potentially trustworthy origins),
    httpx's cookie jar does not, so the flow sends them itself."""
    return {"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies.jar)}


def authorization_code(
    provider: OidcProvider,
    client: httpx.Client,
    username: str,
    password: str = PASSWORD,
    redirect_uri: str = "http://127.0.0.1:18000/auth/callback",
    code_challenge: str | None = None,
    scope: str = "openid profile email",
    nonce: str | None = None,
) -> str:
    """The browser's part: the authorize request with PKCE (S256), the login form posted, and the `code` read from
    the redirect back to redirect_uri (from Location: nothing listens there)."""
    authorize = client.get(provider.discovery_url).raise_for_status().json()["authorization_endpoint"]
    state = secrets.token_urlsafe(16)
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "nonce": nonce or secrets.token_urlsafe(16),
        "code_challenge": code_challenge or pkce_pair()[1],
        "code_challenge_method": "S256",
    }
    page = client.get(f"{authorize}?{urlencode(query)}")
    assert page.status_code == 200, f"authorize: {page.status_code} {page.text[:500]}"
    form = _LoginForm()
    form.feed(page.text)
    assert form.action, "no login form (id kc-form-login) on the authorize page"
    answer = client.post(form.action, data={"username": username, "password": password}, headers=send_cookies(client))
    assert answer.status_code == 302, f"login: {answer.status_code} {answer.text[:500]}"
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri, answer.headers["location"]
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert params.get("state") == state, params
    assert params.get("iss") == provider.issuer, params  # RFC 9207: the authorization response names its issuer
    return params["code"]


def authorization_code_flow(
    provider: OidcProvider,
    client: httpx.Client,
    username: str,
    password: str = PASSWORD,
    redirect_uri: str = "http://127.0.0.1:18000/auth/callback",
    scope: str = "openid profile email",
) -> SignIn:
    """Signs `username` in as a browser and the web application would: authorization_code above, then the code
    exchanged at the token endpoint with the PKCE verifier and the client's secret (client_secret_basic)."""
    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(16)
    code = authorization_code(provider, client, username, password, redirect_uri, challenge, scope, nonce)
    token_endpoint = client.get(provider.discovery_url).raise_for_status().json()["token_endpoint"]
    exchange = client.post(
        token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(provider.client_id, provider.client_secret),
    )
    assert exchange.status_code == 200, f"token: {exchange.status_code} {exchange.text[:500]}"
    return SignIn(tokens=exchange.json(), redirect_uri=redirect_uri, nonce=nonce)
