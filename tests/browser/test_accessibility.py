"""WCAG 2.1 AA on every main screen of every role (DOS-lagen, EN 301 549): axe-core with the tags wcag2a, wcag2aa,
wcag21a and wcag21aa reports no violation, forms showing their errors included. The screens are the ones
`make screenshots` photographs, on stays at the demo's stages."""

from datetime import UTC, datetime

import pytest
from axe_playwright_python.async_playwright import Axe

from deploy.local_system import ServiceProcess
from deploy.screenshots import screens
from deploy.system import more_stays
from tests.browser.conftest import USERS, SignIn
from tests.support.auth import bearer

pytestmark = pytest.mark.e2e
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def stays(running_services: dict[str, ServiceProcess]) -> dict[str, str]:
    url = {name: proc.url for name, proc in running_services.items()}
    who = {role: bearer(role, org) for role, org in USERS.items()}
    made = more_stays(
        url, datetime.now(UTC).replace(microsecond=0), who["ward"], who["primary_care"], who["municipality"]
    )
    return {**made, "discharged": made["late"]}


async def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    result = await Axe().run(page, options=WCAG_21_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in result.response["violations"]
    ]


def every_form(stays: dict[str, str]) -> list[tuple[str, str, str]]:
    """The forms behind the main screens, each on a stay where it is offered."""
    new, ready, invited = stays["new"], stays["ready"], stays["sip_invited"]
    ward = [
        f"/stays/{new}/ward/{form}"
        for form in ("estimated-date", "assessment", "information", "discharge", "correction", "transfer")
    ] + [f"/stays/{new}/ward/{form}" for form in ("interruption", "cancellation")]
    ward += [f"/stays/{ready}/ward/{form}" for form in ("backdating", "withdrawal")]
    receivers = [("municipality", f"/stays/{ready}/{form}") for form in ("planning-input", "message", "closing")]
    receivers += [("primary_care", f"/stays/{invited}/{form}") for form in ("care-contact", "sip-decision", "sip")]
    others = [("ward", "/ward/due"), ("ward", "/stays"), ("finance", "/finance/day-amounts")]
    return [(path, "ward", path) for path in ward] + [(path, role, path) for role, path in receivers + others]


async def test_every_screen_of_every_role_meets_wcag_21_aa(sign_in: SignIn, stays: dict[str, str]) -> None:
    found = {}
    pages = {}
    for name, role, path in screens(stays) + every_form(stays):
        if role not in pages:
            pages[role] = await sign_in(role)
        page = pages[role]
        response = await page.goto(path)
        assert response is not None and response.status == 200, (
            f"{name}: {path} answered {response and response.status}"
        )
        await page.wait_for_load_state("networkidle")
        if problems := await _violations(page):
            found[name] = problems
    assert found == {}


async def test_forms_showing_their_errors_meet_wcag_21_aa(sign_in: SignIn) -> None:
    ward = await sign_in("ward")
    await ward.goto("/ward/notices/new")
    await ward.get_by_role("button", name="Skicka inskrivningsmeddelandet").click()
    await ward.wait_for_load_state("networkidle")
    assert await ward.locator(".error-summary").count() == 1
    assert await _violations(ward) == []
    finance = await sign_in("finance")
    await finance.goto("/finance/day-amounts")
    await finance.get_by_label("År").fill("tjugo")
    await finance.get_by_role("button", name="Lägg in dagbeloppet").click()
    assert await finance.locator(".error-summary").count() == 1
    assert await _violations(finance) == []
