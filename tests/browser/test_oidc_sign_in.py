"""Sign-in and sign-out against a real OpenID Connect provider (Keycloak, ADR 0018), as production does it
(ADR 0017): the web application in `oidc` mode sends the browser to the provider's login page (authorization code
flow with PKCE), takes role and organisation from the provider's claims, keeps the tokens on the server, and calls
the planning service with the user's own access token; signing out ends the provider's session too."""

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from deploy.local_system import ROOT, ServiceProcess
from tests.support.ids import unique_hex
from tests.support.oidc import OidcProvider
from tests.support.realparts import Kafka, Postgres

pytestmark = pytest.mark.e2e
WEB_PORT, PLANNING_PORT = 18010, 18012


@pytest.fixture(scope="module")
def oidc_web(oidc_provider: OidcProvider, kafka: Kafka, postgres: Postgres) -> Iterator[str]:
    """A planning service that trusts the provider's tokens, and the web application signing in with it."""
    run_dir = ROOT / ".local" / "test-run-oidc"
    planning = ServiceProcess(
        "planning",
        PLANNING_PORT,
        {
            "PLANNING_PORT": str(PLANNING_PORT),
            "PLANNING_KAFKA_BOOTSTRAP": kafka.bootstrap,
            "PLANNING_DATABASE_URL": postgres.fresh_database("svu_oidc_planning"),
            "PLANNING_CONSUMER_GROUP": f"planning-oidc-{unique_hex()[:6]}",
            # The provider runs on plain http on loopback, which only development mode accepts (ADR 0024).
            "SVU_AUTH_MODE": "dev",
            "PLANNING_AUTH_JWKS_URL": oidc_provider.jwks_url,
            "PLANNING_AUTH_ISSUER": oidc_provider.issuer,
        },
        run_dir / "planning.log",
    )
    web = ServiceProcess(
        "web",
        WEB_PORT,
        {
            "WEB_PORT": str(WEB_PORT),
            "WEB_PUBLIC_URL": f"http://127.0.0.1:{WEB_PORT}",
            "WEB_AUTH_MODE": "oidc",
            "WEB_OIDC_DISCOVERY_URL": oidc_provider.discovery_url,
            "WEB_OIDC_CLIENT_ID": oidc_provider.client_id,
            "WEB_OIDC_CLIENT_SECRET": oidc_provider.client_secret,
            "WEB_PLANNING_URL": f"http://127.0.0.1:{PLANNING_PORT}",
            "WEB_KAFKA_BOOTSTRAP": kafka.bootstrap,
            "WEB_SESSION_DATABASE_URL": f"sqlite+aiosqlite:///{run_dir}/sessions-{unique_hex()[:6]}.db",
        },
        run_dir / "web.log",
    )
    for process in (planning, web):
        process.start()
    try:
        for process in (planning, web):
            process.wait_healthy(timeout=120)
        yield web.url
    finally:
        for process in (web, planning):
            process.stop()


async def test_a_nurse_signs_in_at_the_provider_works_and_signs_out(
    browser: Browser, oidc_web: str, oidc_provider: OidcProvider
) -> None:
    context = await browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    page = await context.new_page()
    username, password = oidc_provider.users["ward"]

    await page.goto(f"{oidc_web}/ward")
    assert page.url.startswith(oidc_provider.issuer), page.url  # the provider's login page, not ours
    assert "code_challenge=" in page.url and "code_challenge_method=S256" in page.url
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(password)
    await page.locator("#kc-login").click()

    await page.wait_for_url(f"{oidc_web}/ward**")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Avdelningsöversikt")
    await expect(page.get_by_text("Avdelning · SE2321000016-MEDAVD3")).to_be_visible()
    # Planning answered the overview with the provider's token: its header counts came back too.
    await expect(page.locator("#header-counts")).to_contain_text("olästa")
    # The browser holds an opaque session id, never a token.
    cookies = {c["name"]: c["value"] for c in await context.cookies(oidc_web)}
    assert "svu_session" in cookies and not cookies["svu_session"].startswith("eyJ")

    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url(f"{oidc_web}/signed-out")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")
    # Both sessions ended: ours, and the provider's (its login page asks again).
    await page.goto(f"{oidc_web}/ward")
    assert page.url.startswith(oidc_provider.issuer)
    await expect(page.locator("#username")).to_be_visible()
    await context.close()
