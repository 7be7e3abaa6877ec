"""ADR 0016, the process wave in billing, in-process on PostgreSQL and SQLite (no broker): events fed through the
inbox as the consumer applies them, settled through the API, exact to the öre (2022: 9 300 SEK per day, skane-2018:
noon boundary, threshold 2.8).

- A cancelled notice (makulering) takes the stay out of billing; a month already invoiced gets a credit note.
- A death before discharge ends the ready period at death; a move splits the stay between the municipalities.
- A backdated discharge-ready notice opens its period at the real send time; the underlag marks the line.
A month reading only its own facts: test_billing_process_month_reads.py.
"""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from billing.bootstrap import bootstrap as billing_app
from billing.settings import BillingSettings
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeSent,
    DischargeReadyNotified,
    PatientDischarged,
)
from svu_shared.contracts.admission import ProcessInterrupted
from svu_shared.contracts.discharge import DischargeReadyBackdated
from tests.support.auth import finance, municipality
from tests.support.ids import unique_hex
from tests.support.inprocess import Database, InProcess, in_process

T = ZoneInfo("Europe/Stockholm")
MARCH = {"agreement": "skane-2018", "period": "2022-03"}


@pytest.fixture
async def billing(database: Database):  # type: ignore[no-untyped-def]
    url = database.fresh(f"svu_it_billing_{unique_hex()[:6]}")
    async with in_process(billing_app, BillingSettings(database_url=url)) as service:
        yield service


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=T)


async def stay(
    billing: InProcess, stay_id: str, home: str, ready: datetime, discharged: datetime | None
) -> dict[str, str]:
    """A stay as billing consumes it: notice, discharge-ready, discharge. Returns the event ids by kind."""
    notice = AdmissionNoticeSent(
        stay_id=stay_id,
        patient_id="191212121212",
        municipality=home,
        care_unit="W1",
        admitted_at=ready - timedelta(days=1),
        sent_at=ready - timedelta(hours=20),
    )
    ids = {"notice": (await billing.feed(notice)).id}
    ids["ready"] = (await billing.feed(DischargeReadyNotified(stay_id=stay_id, judged_at=ready, sent_at=ready))).id
    if discharged is not None:
        out = PatientDischarged(stay_id=stay_id, discharged_at=discharged, destination="home")
        ids["discharged"] = (await billing.feed(out)).id
    return ids


async def four_stays(billing: InProcess, home: str = "1290") -> None:
    # Ready days at noon 4, 4, 3, 2: D = 13, N = 4, average 3.25 > 2.8, 13 - 11.2 = 1.8 days x 9 300 = 16 740.00.
    for number, (ready, out) in enumerate(((1, 4), (2, 5), (7, 9), (10, 11))):
        await stay(billing, f"s{number}", home, at(ready, 9), at(out, 15))


async def run(billing: InProcess, body: dict[str, str] = MARCH) -> tuple[int, dict]:
    response = await billing.http.post("/settlement-runs", json=body, headers=finance())
    return response.status_code, response.json()


def line(body: dict, kommun: str) -> dict:
    return next(m for m in body["municipalities"] if m["municipality"] == kommun)


async def test_a_cancelled_stay_is_never_billed_and_an_invoiced_month_gets_a_credit_note(billing):
    await four_stays(billing)
    status, first = await run(billing)
    [invoice] = first["documents"]
    assert (status, invoice["kind"], invoice["amount_sek"]) == (201, "invoice", "16740.00")

    # Makulering of s0 (4 days): N = 3, D = 9, average 3.0, 9 - 8.4 = 0.6 days = 5 580.00; credit -11 160.00.
    cancelled = AdmissionNoticeCancelled(stay_id="s0", reason="sent for the wrong patient", cancelled_at=at(20, 10))
    await billing.feed(cancelled)
    status, second = await run(billing)
    [credit] = second["documents"]
    assert status == 201
    assert (credit["kind"], credit["amount_sek"], credit["corrects_invoice_id"]) == (
        "credit",
        "-11160.00",
        invoice["invoice_id"],
    )
    assert line(second["settlement"], "1290")["stays"] == 3
    assert second["settlement"]["anomalies"] == []  # not an anomaly: simply never billed

    # s1 too: N = 2, D = 5, average 2.5, nothing owed; credit -5 580.00. The invoice itself never changes.
    await billing.feed(AdmissionNoticeCancelled(stay_id="s1", reason="duplicate notice", cancelled_at=at(21, 10)))
    _, third = await run(billing)
    assert [(d["kind"], d["amount_sek"]) for d in third["documents"]] == [("credit", "-5580.00")]
    csv_text = (await billing.http.get(f"/invoices/{invoice['invoice_id']}/specification.csv", headers=finance())).text
    assert len(csv_text.strip().splitlines()) == 1 + 4

    periods = (await billing.http.get("/stays/s0/ready-periods", headers=finance())).json()
    assert periods["cancelled_by"] is not None and periods["cancelled_by"] in periods["event_ids"]
    published = [e["type"] for e in await billing.published("1290:2022-03")]
    assert published == ["settlement_calculated", "invoice_issued"] + ["settlement_calculated", "correction_issued"] * 2


async def test_death_before_discharge_ends_the_ready_period_at_death(billing):
    # Ready Tue 1 Mar 09:00, died Thu 3 Mar 10:00 (before noon): noon 1 and 2 = 2 days, not 3.
    ids = await stay(billing, "died", "1281", at(1, 9), None)
    died = ProcessInterrupted(stay_id="died", reason="died", note="Avled på avdelningen", interrupted_at=at(3, 10))
    died_id = (await billing.feed(died)).id
    await billing.feed(PatientDischarged(stay_id="died", discharged_at=at(3, 16), destination="deceased"))
    await stay(billing, "x", "1281", at(1, 9), at(6, 15))  # 6 days
    # N = 2, D = 8, average 4.0: 8 - 5.6 = 2.4 days = 22 320.00 (31 620.00 had the clock run to the discharge).
    settled = (await billing.http.get("/settlements", params=MARCH, headers=finance())).json()
    assert (line(settled, "1281")["ready_days"], line(settled, "1281")["amount_sek"]) == (8, "22320.00")
    assert settled["anomalies"] == []  # the discharge after death is its record, not a second end

    periods = (await billing.http.get("/stays/died/ready-periods", headers=finance())).json()
    [period] = periods["periods"]
    assert (period["opened_by"], period["closed_by"]) == (ids["ready"], died_id)
    assert period["closed_at"] == "2022-03-03T09:00:00Z" and "process interrupted (died)" in period["note"]
    assert (periods["process_ended_at"], periods["interrupted"]) == ("2022-03-03T09:00:00Z", "died")


async def test_a_move_splits_the_stay_and_the_new_municipality_pays_from_the_move(billing):
    # Home Malmö (1280), ready Tue 1 Mar 09:00; folkbokförd in Lund (1281) from Thu 3 Mar 10:00; out Sun 6 Mar 15:00.
    ids = await stay(billing, "moved", "1280", at(1, 9), at(6, 15))
    move = ProcessInterrupted(
        stay_id="moved",
        reason="moved_municipality",
        note="Folkbokförd i Lund sedan 3 mars",
        new_municipality="1281",
        interrupted_at=at(3, 10),
    )
    move_id = (await billing.feed(move)).id
    await stay(billing, "y", "1280", at(1, 9), at(5, 15))  # 5 days in Malmö
    await stay(billing, "z", "1281", at(1, 9), at(2, 15))  # 2 days in Lund
    settled = (await billing.http.get("/settlements", params=MARCH, headers=finance())).json()
    # Malmö: the moved stay's noon 1 and 2 (2 days) + 5 = 7, N = 2, 7 - 5.6 = 1.4 days = 13 020.00.
    # Lund: noon 3, 4, 5, 6 (4 days) + 2 = 6, N = 2, 6 - 5.6 = 0.4 days = 3 720.00. No day is lost or doubled.
    assert [(m["municipality"], m["stays"], m["ready_days"], m["amount_sek"]) for m in settled["municipalities"]] == [
        ("1280", 2, 7, "13020.00"),
        ("1281", 2, 6, "3720.00"),
    ]
    status, body = await run(billing)
    assert status == 201 and [(d["municipality"], d["amount_sek"]) for d in body["documents"]] == [
        ("1280", "13020.00"),
        ("1281", "3720.00"),
    ]
    lund = next(d for d in body["documents"] if d["municipality"] == "1281")
    spec = (await billing.http.get(f"/invoices/{lund['invoice_id']}/specification.csv", headers=finance())).text
    moved = next(r for r in csv.DictReader(io.StringIO(spec)) if r["stay_id"] == "moved")
    assert (moved["opened_by_event"], moved["closed_by_event"], moved["days"]) == (move_id, ids["discharged"], "4")
    assert moved["note"].startswith("opened at the move")
    # Both municipalities that had the patient see the stay's periods; a third does not.
    for kommun, status in (("1280", 200), ("1281", 200), ("1283", 404)):
        seen = await billing.http.get("/stays/moved/ready-periods", headers=municipality(kommun))
        assert seen.status_code == status, kommun


async def test_a_backdated_notice_counts_from_its_real_send_time_and_the_underlag_says_so(billing):
    # Received by the server Thu 3 Mar 13:20 (after noon: the 3rd would not count); sent on paper at 09:00.
    ids = await stay(billing, "paper", "1290", at(3, 13, 20), at(5, 15))
    reason = "Journalsystemet låg nere; underrättelsen faxades 09:00"
    backdated = DischargeReadyBackdated(
        stay_id="paper", sent_at=at(3, 9), received_at=at(3, 13, 20), reason=reason, corrected_at=at(3, 13, 25)
    )
    backdating_id = (await billing.feed(backdated)).id
    await stay(billing, "other", "1290", at(1, 9), at(3, 15))  # 3 days
    # paper: noon 3, 4, 5 = 3 days (2 without the backdating); N = 2, D = 6, 6 - 5.6 = 0.4 days = 3 720.00.
    status, body = await run(billing)
    [invoice] = body["documents"]
    assert (status, line(body["settlement"], "1290")["ready_days"], invoice["amount_sek"]) == (201, 6, "3720.00")

    spec = (await billing.http.get(f"/invoices/{invoice['invoice_id']}/specification.csv", headers=finance())).text
    rows = {r["stay_id"]: r for r in csv.DictReader(io.StringIO(spec))}
    assert rows["paper"]["ready_opened_at"] == "2022-03-03T08:00:00+00:00" and rows["paper"]["days"] == "3"
    assert (rows["paper"]["backdated"], rows["paper"]["notice_received_at"], rows["paper"]["backdating_reason"]) == (
        "yes",
        "2022-03-03T12:20:00+00:00",
        reason,
    )
    assert backdating_id in rows["paper"]["stay_event_ids"].split() and rows["paper"]["opened_by_event"] == ids["ready"]
    assert (rows["other"]["backdated"], rows["other"]["backdating_reason"]) == ("", "")
    pdf = await billing.http.get(f"/invoices/{invoice['invoice_id']}/specification.pdf", headers=finance())
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    periods = (await billing.http.get("/stays/paper/ready-periods", headers=finance())).json()["periods"]
    assert (periods[0]["backdated_from"], periods[0]["backdating_reason"]) == ("2022-03-03T12:20:00Z", reason)
