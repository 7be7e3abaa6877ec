"""Live updates (ADR 0017): a change for an organisation reaches every tab its users have open without a reload,
and after the web service restarts the browsers reconnect and catch up on what changed meanwhile."""

import httpx
import pytest
from playwright.async_api import expect

from deploy.local_system import ServiceProcess
from tests.browser.conftest import USERS, SignIn
from tests.support.auth import ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice

pytestmark = pytest.mark.e2e


async def _post_notice(running_services: dict[str, ServiceProcess], patient: str) -> None:
    notice = {**admission_notice(f"live-{unique_hex()[:10]}", care_unit=USERS["ward"]), "patient_name": patient}
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"{running_services['admission'].url}/admission-notices", json=notice, headers=ward(USERS["ward"])
        )
    assert answer.status_code == 201, answer.text


async def test_every_open_tab_updates_and_catches_up_after_a_restart(
    sign_in: SignIn, running_services: dict[str, ServiceProcess]
) -> None:
    first = await sign_in("municipality")
    second = await first.context.new_page()
    await second.goto("/inbox")
    for tab in (first, second):
        await expect(tab.locator("#live-status")).to_have_attribute("data-state", "connected")

    patient = f"Live Flik {unique_hex()[:6]}"
    await _post_notice(running_services, patient)
    for tab in (first, second):
        await expect(tab.get_by_role("link", name=patient)).to_be_visible(timeout=10_000)

    web = running_services["web"]
    web.stop()
    await expect(first.locator("#live-status")).to_have_attribute("data-state", "disconnected", timeout=20_000)
    missed = f"Medan webben var nere {unique_hex()[:6]}"
    await _post_notice(running_services, missed)
    web.start()
    web.wait_healthy(timeout=120)
    for tab in (first, second):
        await expect(tab.locator("#live-status")).to_have_attribute("data-state", "connected", timeout=60_000)
        await expect(tab.get_by_role("link", name=missed)).to_be_visible(timeout=20_000)
