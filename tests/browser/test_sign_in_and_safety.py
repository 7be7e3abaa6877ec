"""Sign-in, CSRF, headers and the not-found rule, through the real web service (development sign-in)."""

import httpx
import pytest
from playwright.async_api import expect

from deploy.local_system import ServiceProcess
from tests.browser.conftest import USERS, SignIn
from tests.support.auth import ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import eventually

pytestmark = pytest.mark.e2e


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(sign_in: SignIn, web_url: str) -> None:
    page = await sign_in("ward")
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with httpx.AsyncClient(base_url=web_url, cookies=cookies) as client:
        refused = await client.post("/stays", data={"stay_id": "csrf-probe"})
        assert refused.status_code == 403
        assert "Formuläret kunde inte skickas" in refused.text
        # The same form with the session's token goes through (a redirect to the stay's page).
        html = (await client.get("/stays")).text
        token = html.split('name="csrf_token" value="')[1].split('"')[0]
        accepted = await client.post("/stays", data={"stay_id": "csrf-probe", "csrf_token": token})
        assert accepted.status_code == 303
        assert accepted.headers["location"] == "/stays/csrf-probe"


async def test_the_session_cookie_is_http_only_and_lax_and_pages_are_not_cached(sign_in: SignIn) -> None:
    page = await sign_in("municipality")
    (cookie,) = [c for c in await page.context.cookies() if c["name"] == "svu_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    response = await page.goto("/inbox")
    assert response is not None
    headers = await response.all_headers()
    assert headers["cache-control"] == "no-store"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


async def test_a_stay_one_may_not_see_gets_the_same_page_as_one_that_does_not_exist(
    sign_in: SignIn, running_services: dict[str, ServiceProcess]
) -> None:
    # A stay of the demo ward, posted through the admission service's own API.
    stay_id = f"web-foreign-{unique_hex()[:8]}"
    own_ward = ward(USERS["ward"])
    notice = admission_notice(stay_id, care_unit=USERS["ward"])
    async with httpx.AsyncClient() as client:
        posted = await client.post(
            f"{running_services['admission'].url}/admission-notices", json=notice, headers=own_ward
        )
        assert posted.status_code == 201, posted.text
        planning = f"{running_services['planning'].url}/stays/{stay_id}"

        async def planning_has_it() -> bool:
            return (await client.get(planning, headers=own_ward)).status_code == 200

        await eventually(planning_has_it, what="planning to have the stay")
    owner = await sign_in("ward")
    shown = await owner.goto(f"/stays/{stay_id}")
    assert shown is not None and shown.status == 200
    other_ward = await sign_in("ward", "SE2321000016-KIRAVD9")
    missing = await other_ward.goto("/stays/no-such-stay-anywhere")
    assert missing is not None and missing.status == 404
    not_found_text = await other_ward.locator("main").inner_text()
    foreign = await other_ward.goto(f"/stays/{stay_id}")
    assert foreign is not None and foreign.status == 404
    assert await other_ward.locator("main").inner_text() == not_found_text


async def test_dev_login_signs_in_and_sign_out_ends_the_session(sign_in: SignIn, web_url: str) -> None:
    page = await sign_in("municipality")
    assert page.url.endswith("/inbox")
    await page.get_by_role("button", name="Logga ut").click()
    await page.wait_for_url("**/signed-out")
    await page.goto("/inbox")
    assert "/sign-in" in page.url


async def test_a_409_is_shown_beside_its_field_and_the_input_is_kept(sign_in: SignIn) -> None:
    """A second, different notice under a stay id that has one: admission refuses it (409) in its rule's words."""
    stay_id = f"web-twice-{unique_hex()[:8]}"
    ward_page = await sign_in("ward")
    for name in ("Första Patient", "Andra Patient"):
        await ward_page.goto("/ward/notices/new")
        await ward_page.get_by_label("Personnummer eller samordningsnummer").fill("191212121212")
        await ward_page.get_by_label("Namn").fill(name)
        await ward_page.get_by_label("Hemkommun (kommunkod)").fill("1280")
        await ward_page.get_by_label("Vårdtillfällets id").fill(stay_id)
        await ward_page.get_by_label("Tidpunkt för inskrivning").fill("2026-11-20T08:00")
        await ward_page.get_by_role("button", name="Skicka inskrivningsmeddelandet").click()
        await ward_page.wait_for_load_state("networkidle")
    field = ward_page.get_by_label("Vårdtillfällets id")
    await expect(field).to_have_attribute("aria-invalid", "true")
    error = ward_page.locator("#field-stay_id-error")
    await expect(error).to_contain_text(f"stay {stay_id} already has an admission notice")
    await expect(ward_page.get_by_label("Namn")).to_have_value("Andra Patient")  # the input is kept
    await expect(ward_page.locator(".error-summary a[href='#field-stay_id']")).to_be_visible()
