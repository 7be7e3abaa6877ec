"""One stay from notice to invoice through the web application, each user in a browser context of their own
(architecture §7): the ward posts the notice through the form; the municipality's open inbox shows it without a
reload; the municipality acknowledges and the ward sees who read it; the vårdcentral names the care contact and
sends the SIP invitation; the ward marks discharge-ready (after the confirmation), records that the notice went on
paper four days ago, and discharges; the municipality answers that it can receive; finance enters the year's day
amount if it is missing, issues the month's invoices after a confirmation and downloads the underlag, whose line
for the stay names the events it came from."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, expect

from deploy.local_system import ServiceProcess
from tests.browser.conftest import SignIn
from tests.support.auth import finance
from tests.support.ids import unique_hex

pytestmark = pytest.mark.e2e
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MUNICIPALITY = "1282"  # Landskrona: no other test bills it, so the month's invoice holds this stay alone


def local(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


async def submit(page: Page, button: str) -> None:
    await page.get_by_role("button", name=button).click()
    await page.wait_for_load_state("networkidle")


async def test_a_stay_from_notice_to_invoice_through_the_screens(
    sign_in: SignIn, running_services: dict[str, ServiceProcess]
) -> None:
    now = datetime.now(STOCKHOLM).replace(second=0, microsecond=0)
    stay_id = f"story-{unique_hex()[:10]}"
    patient = f"Berit Berättelse {stay_id[-4:]}"

    municipality = await sign_in("municipality", MUNICIPALITY)
    await expect(municipality.locator("#live-status")).to_have_attribute("data-state", "connected")

    # The ward posts the admission notice through the form.
    ward = await sign_in("ward")
    await ward.goto("/ward/notices/new")
    await ward.get_by_label("Personnummer eller samordningsnummer").fill("191212121212")
    await ward.get_by_label("Namn").fill(patient)
    await ward.get_by_label("Hemkommun (kommunkod)").fill(MUNICIPALITY)
    await ward.get_by_label("Vårdcentral (HSA-id)").fill("SE2321000016-VCLIMHAMN")
    await ward.get_by_label("Vårdtillfällets id").fill(stay_id)
    await ward.get_by_label("Tidpunkt för inskrivning").fill(local(now - timedelta(days=6)))
    await submit(ward, "Skicka inskrivningsmeddelandet")
    assert ward.url.endswith(f"/stays/{stay_id}")
    await expect(ward.get_by_role("status").filter(has_text="Inskrivningsmeddelandet är skickat")).to_be_visible()

    # The municipality's open inbox shows it without a reload.
    await expect(municipality.get_by_role("link", name=patient)).to_be_visible(timeout=10_000)

    # The municipality acknowledges everything on the stay; the ward sees who read it.
    await municipality.get_by_role("link", name=patient).click()
    await expect(municipality.get_by_role("button", name="Kvittera alla")).to_be_visible()
    await submit(municipality, "Kvittera alla")
    await ward.goto(f"/stays/{stay_id}")
    await expect(ward.get_by_text(f"municipality-user@{MUNICIPALITY}").first).to_be_visible(timeout=10_000)

    # The vårdcentral names the care contact and sends the SIP invitation.
    vardcentral = await sign_in("primary_care")
    await vardcentral.goto(f"/stays/{stay_id}/care-contact")
    await vardcentral.get_by_label("Namn").fill("Karin Lind, distriktssköterska")
    await vardcentral.get_by_label("Enhet").fill("SE2321000016-VCLIMHAMN")
    await submit(vardcentral, "Skicka")
    assert vardcentral.url.endswith(f"/stays/{stay_id}")
    await vardcentral.goto(f"/stays/{stay_id}/sip-invitation")
    await vardcentral.get_by_label("Mötets datum och tid").fill(local(now + timedelta(days=2)))
    await vardcentral.get_by_label("Kallad").first.fill("Landskrona stad, biståndshandläggare")
    await submit(vardcentral, "Skicka kallelsen")
    assert vardcentral.url.endswith(f"/stays/{stay_id}"), await vardcentral.locator("main").inner_text()

    # The ward marks discharge-ready: a confirmation step says it starts the payment clock.
    await ward.goto(f"/stays/{stay_id}/ward/discharge-ready")
    await ward.get_by_label("När läkaren bedömde patienten utskrivningsklar").fill(local(now - timedelta(days=4)))
    await submit(ward, "Fortsätt")
    await expect(ward.get_by_text("betalningsansvar").first).to_be_visible()
    await submit(ward, "Bekräfta utskrivningsklar")
    assert ward.url.endswith(f"/stays/{stay_id}")
    # The notice went on paper four days ago while the record system was down: the ward records when, and why.
    await ward.goto(f"/stays/{stay_id}/ward/backdating")
    await ward.get_by_label("När pappersunderrättelsen skickades").fill(local(now - timedelta(days=4)))
    await ward.get_by_label("Skäl").fill("journalsystemet låg nere; underrättelsen faxades")
    await submit(ward, "Rätta sändningstiden")
    assert ward.url.endswith(f"/stays/{stay_id}"), await ward.locator("main").inner_text()

    # The municipality answers that it can receive the patient.
    await municipality.goto(f"/stays/{stay_id}/receiving-decision")
    await municipality.get_by_label("Kan ta emot", exact=True).check()
    await municipality.get_by_label("Från vilket datum").fill(now.date().isoformat())
    await submit(municipality, "Skicka")
    assert municipality.url.endswith(f"/stays/{stay_id}"), await municipality.locator("main").inner_text()

    # The ward discharges the patient home.
    await ward.goto(f"/stays/{stay_id}/ward/discharge")
    await ward.get_by_label("Tidpunkt för utskrivning").fill(local(now - timedelta(minutes=5)))
    await ward.get_by_label("Hemmet").check()
    await submit(ward, "Skicka utskrivningen")
    assert ward.url.endswith(f"/stays/{stay_id}"), await ward.locator("main").inner_text()

    # Billing has the stay's ready period (its events arrive over the broker).
    billing = running_services["billing"].url
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(150):
            periods = await client.get(f"{billing}/stays/{stay_id}/ready-periods", headers=finance())
            if periods.status_code == 200 and periods.json()["discharged_at"]:
                break
            await ward.wait_for_timeout(200)
        period = periods.json()["periods"][0]

    # Finance: the year's day amount (entered once, by whoever first needs it), then the month's invoices.
    office = await sign_in("finance")
    await office.goto("/finance/day-amounts")
    year = str(now.year)
    if not await office.get_by_role("rowheader", name=year, exact=True).count():
        await office.get_by_label("År").fill(year)
        await office.get_by_label("Dagbelopp i kronor").fill("9405,00")
        await office.get_by_label("Källa").fill("Socialstyrelsen, dagbelopp för utskrivningsklara patienter")
        await submit(office, "Lägg in dagbeloppet")
    await office.goto("/finance/runs")
    await office.get_by_label("Månad").fill(now.strftime("%Y-%m"))
    await office.get_by_label("Avtal").select_option("skane-2018")
    await submit(office, "Fortsätt")
    await expect(office.get_by_role("heading", level=1)).to_contain_text("Skapa fakturor")
    await submit(office, "Skapa fakturorna")
    await expect(office.get_by_role("status").filter(has_text="Månadens fakturor är skapade")).to_be_visible()
    row = office.get_by_role("row").filter(has_text=MUNICIPALITY).filter(has_text="Faktura")
    async with office.expect_download() as download_info:
        await row.get_by_role("link", name="CSV").first.click()
    download = await download_info.value
    lines = list(csv.DictReader(io.StringIO((await download.path()).read_text())))
    [line] = [line for line in lines if line["stay_id"] == stay_id]
    assert period["opened_by"] in line.values()
    assert period["closed_by"] in line.values()
