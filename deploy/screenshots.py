"""`make screenshots`: a PNG of each main screen of each user group under docs/screens/ (the README shows them).

Starts the whole system as `make run` does (a broker and SQLite databases of its own under .local/screens, on the
default ports: `make down` first if `make up` runs), plays the demo so every screen has something to show, then
a real Chromium (Debian's, by its path) signs in as each user group and photographs its screens."""

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.async_api import async_playwright

from deploy import system
from deploy.local_system import ROOT

ORGS = {
    "ward": "SE2321000016-MEDAVD3",
    "municipality": "1280",
    "primary_care": "SE2321000016-VCLIMHAMN",
    "finance": "SE2321000016-EKONOMI",
    "admin": "SE2321000016-IT",
}


def screens(stays: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file name, role, path) of each main screen."""
    ready, invited = stays["ready"], stays["sip_invited"]
    return [
        ("01-ward-overview", "ward", "/ward"),
        ("02-ward-admission-notice", "ward", "/ward/notices/new"),
        ("03-ward-discharge-ready-form", "ward", f"/stays/{invited}/ward/discharge-ready"),
        ("04-ward-due", "ward", "/ward/due"),
        ("05-municipality-inbox", "municipality", "/inbox"),
        ("06-stay-page-municipality", "municipality", f"/stays/{ready}"),
        ("07-receiving-decision", "municipality", f"/stays/{ready}/receiving-decision"),
        ("08-vardcentral-inbox", "primary_care", "/inbox"),
        ("09-vardcentral-sip", "primary_care", f"/stays/{invited}"),
        ("10-finance-month", "finance", "/finance"),
        ("11-finance-comparison", "finance", "/finance/comparison"),
        ("12-finance-runs", "finance", "/finance/runs"),
        ("13-finance-follow-up", "finance", "/finance/follow-up"),
        ("14-admin-audit", "admin", f"/admin/audit?stay_id={stays['discharged']}"),
        ("15-accessibility-statement", "municipality", "/accessibility"),
        ("16-municipality-invoices", "municipality", "/invoices"),
        ("17-finance-disputes", "finance", "/finance/disputes"),
    ]


async def photograph(web: str, stays: dict[str, str], out: Path, chromium: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, role, path in screens(stays):
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="sv-SE", timezone_id="Europe/Stockholm"
            )
            page = await context.new_page()
            await page.goto(f"{web}/dev-login?role={role}&org={ORGS[role]}")
            response = await page.goto(f"{web}{path}")
            await page.wait_for_load_state("networkidle")
            await page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(f"  {name}.png  {role:<13} {path}  ({response.status if response else '?'})")
            await context.close()
        await browser.close()


def main(out: Path) -> None:
    # A system of its own (databases and broker data under .local/screens, made anew), so the pictures show the
    # demo's stays and nothing a developer made by hand.
    place = ROOT / ".local" / "screens"
    shutil.rmtree(place, ignore_errors=True)
    system.RUN_DIR = place
    os.environ["KAFKA_DATA_DIR"] = str(place / "kafka")
    procs = system.start(detached=False)
    try:
        stays = system.demo(procs)
        chromium = subprocess.run(
            [str(ROOT / "deploy/browser/chromium.sh"), "path"], capture_output=True, text=True, check=True
        ).stdout.strip()
        out.mkdir(parents=True, exist_ok=True)
        asyncio.run(photograph(procs["web"].url, stays, out, chromium))
    finally:
        for proc in procs.values():
            proc.stop()
        system.stop_broker()


if __name__ == "__main__":
    main(ROOT / (sys.argv[1] if len(sys.argv) > 1 else "docs/screens"))
