"""Pages as people use them (architecture §7): Playwright drives a real Chromium (Debian's package, started by its
path; deploy/browser/chromium.sh installs it) against the five services on the real broker and PostgreSQL. Each
user has a browser context of their own and signs in through the development sign-in (GET /dev-login).

The async API runs on the suite's one event loop, beside the async tests and fixtures."""

import os
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from deploy.local_system import ROOT, ServiceProcess

USERS = {
    "ward": "SE2321000016-MEDAVD3",
    "municipality": "1280",
    "primary_care": "SE2321000016-VCLIMHAMN",
    "finance": "SE2321000016-EKONOMI",
    "admin": "SE2321000016-IT",
}
SignIn = Callable[..., Awaitable[Page]]


def _chromium() -> str:
    script = str(ROOT / "deploy/browser/chromium.sh")
    result = subprocess.run([script, "ensure"], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.exit(f"no browser for the page tests (CI={os.environ.get('CI', '')}):\n{result.stderr}", returncode=3)
    return subprocess.run([script, "path"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def web_url(running_services: dict[str, ServiceProcess]) -> str:
    return running_services["web"].url


@pytest.fixture
async def sign_in(browser: Browser, web_url: str) -> AsyncIterator[SignIn]:
    """`await sign_in("ward")` → a page in a browser context of its own, signed in as that role's demo
    organisation (or `org`)."""
    contexts: list[BrowserContext] = []

    async def open_as(role: str, org: str | None = None) -> Page:
        context = await browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", base_url=web_url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = await context.new_page()
        await page.goto(f"/dev-login?role={role}&org={org or USERS[role]}")
        return page

    yield open_as
    for context in contexts:
        await context.close()
