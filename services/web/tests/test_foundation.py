"""The web application's foundation without real parts: words, formats, refusals, sessions, CSRF and headers."""

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from web import i18n
from web.backends import refusal
from web.bootstrap import bootstrap
from web.catalogue import untranslated
from web.settings import WebSettings


def test_every_message_on_screen_has_a_swedish_translation() -> None:
    assert untranslated("sv") == {}


def test_money_dates_and_waiting_days_in_swedish_format() -> None:
    assert i18n.money(Decimal("12345.5")) == "12\xa0345,50 kr"
    assert i18n.money("-23100.00") == "-23\xa0100,00 kr"
    # 23:30 UTC on 31 March 2024 is 01:30 on 1 April in Stockholm (summer time began that night).
    assert i18n.when("2024-03-31T23:30:00+00:00") == "2024-04-01 01:30"
    assert i18n.day("2024-03-31T23:30:00Z") == "2024-04-01"
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert i18n.waiting_day("2026-11-21T22:59:00+00:00", now) == 3  # 23:59 on the 21st in Stockholm: day 1
    assert i18n.waiting_day("2026-11-21T23:00:00+00:00", now) == 2  # 00:00 on the 22nd


def test_a_services_422_lands_beside_its_fields_and_a_409_is_the_rule() -> None:
    invalid = refusal(
        422,
        {
            "detail": "body.patient_id: …",
            "errors": [
                {"loc": ["body", "patient_id"], "msg": "Value error, not a valid personnummer", "type": "value_error"},
                {"loc": ["body", "sip", "goals", 0], "msg": "too long", "type": "string_too_long"},
            ],
        },
    )
    assert invalid.fields == {"patient_id": "not a valid personnummer", "sip.goals.0": "too long"}
    assert invalid.rule is None
    broken = refusal(409, {"detail": "the stay is already discharged"})
    assert (broken.fields, broken.rule) == ({}, "the stay is already discharged")


@pytest.fixture
async def web(tmp_path):  # type: ignore[no-untyped-def]
    settings = WebSettings(
        auth_mode="dev", live_enabled=False, session_database_url=f"sqlite+aiosqlite:///{tmp_path}/sessions.db"
    )
    app = bootstrap(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            yield client


async def test_dev_login_sets_an_opaque_http_only_lax_cookie_and_a_bad_org_is_not_found(web) -> None:  # type: ignore[no-untyped-def]
    signed_in = await web.get("/dev-login?role=municipality&org=1280")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/inbox"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "eyJ" not in cookie  # no token in the browser: an opaque id only
    assert (await web.get("/dev-login?role=municipality&org=9999")).status_code == 404
    assert (await web.get("/dev-login?role=ward&org=two,wards")).status_code == 404


async def test_a_post_without_the_session_csrf_token_is_refused(web) -> None:  # type: ignore[no-untyped-def]
    await web.get("/dev-login?role=ward&org=SE2321000016-MEDAVD3")
    refused = await web.post("/stays", data={"stay_id": "s-1"})
    assert refused.status_code == 403
    page = (await web.get("/stays")).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert (await web.post("/stays", data={"stay_id": "s-1", "csrf_token": token})).status_code == 303
    foreign = await web.post(
        "/stays", data={"stay_id": "s-1", "csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403


async def test_every_page_has_the_security_headers_and_no_store(web) -> None:  # type: ignore[no-untyped-def]
    page = await web.get("/accessibility")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    assert "<script>" not in page.text and " style=" not in page.text


async def test_a_page_without_a_session_sends_the_user_to_sign_in_and_back(web) -> None:  # type: ignore[no-untyped-def]
    answer = await web.get("/stays")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/stays"


async def test_outside_dev_mode_dev_login_does_not_exist(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = WebSettings(
        auth_mode="oidc",
        live_enabled=False,
        oidc_discovery_url="https://idp.example/.well-known/openid-configuration",
        oidc_client_id="svu-web",
        oidc_client_secret="secret",
        session_database_url=f"sqlite+aiosqlite:///{tmp_path}/sessions.db",
    )
    app = bootstrap(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/dev-login?role=ward&org=SE2321000016-MEDAVD3")).status_code == 404


def test_oidc_mode_without_the_provider_settings_refuses_to_start() -> None:
    with pytest.raises(SystemExit, match="WEB_OIDC_DISCOVERY_URL"):
        bootstrap(WebSettings(auth_mode="oidc", live_enabled=False))
