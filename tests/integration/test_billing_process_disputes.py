"""ADR 0016: a municipality checks its bill and disputes (bestrider) a stay's days; finance accepts, and the next run
credits that stay's amount, or rejects with a reason; both see the history. Another municipality gets 404 for what
is not its own (ADR 0011). In-process on PostgreSQL and SQLite, exact to the öre (2022: 9 300 SEK per day)."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from billing.bootstrap import bootstrap as billing_app
from billing.settings import BillingSettings
from svu_shared.contracts import AdmissionNoticeSent, DischargeReadyNotified, PatientDischarged
from tests.support.auth import admin, finance, municipality
from tests.support.ids import unique_hex
from tests.support.inprocess import Database, InProcess, in_process

T = ZoneInfo("Europe/Stockholm")
MARCH = {"agreement": "skane-2018", "period": "2022-03"}
MALMO, LUND = municipality("1290"), municipality("1281")  # 1290 Kristianstad is the one billed here


@pytest.fixture
async def billing(database: Database):  # type: ignore[no-untyped-def]
    url = database.fresh(f"svu_it_billing_{unique_hex()[:6]}")
    async with in_process(billing_app, BillingSettings(database_url=url)) as service:
        yield service


def at(day: int, hour: int) -> datetime:
    return datetime(2022, 3, day, hour, tzinfo=T)


async def stay(billing: InProcess, stay_id: str, home: str, ready: int, out: int) -> None:
    notice = AdmissionNoticeSent(
        stay_id=stay_id,
        patient_id="191212121212",
        municipality=home,
        care_unit="W1",
        admitted_at=at(ready, 9) - timedelta(days=1),
        sent_at=at(ready, 9) - timedelta(hours=20),
    )
    await billing.feed(notice)
    await billing.feed(DischargeReadyNotified(stay_id=stay_id, judged_at=at(ready, 9), sent_at=at(ready, 9)))
    await billing.feed(PatientDischarged(stay_id=stay_id, discharged_at=at(out, 15), destination="home"))


@pytest.fixture
async def invoiced(billing):  # type: ignore[no-untyped-def]
    """March 2022 invoiced. Kristianstad (1290): 4, 4, 3, 2 and a long-stayer of 9 days: D = 22, N = 5, average 4.4,
    22 - 14 = 8 days = 74 400.00. Lund (1281): one stay of 5 days, 5 - 2.8 = 2.2 days = 20 460.00."""
    for number, (ready, out) in enumerate(((1, 4), (2, 5), (7, 9), (10, 11))):
        await stay(billing, f"k{number}", "1290", ready, out)
    await stay(billing, "long", "1290", 12, 20)
    await stay(billing, "lund", "1281", 1, 5)
    response = await billing.http.post("/settlement-runs", json=MARCH, headers=finance())
    assert response.status_code == 201, response.text
    documents = {d["municipality"]: d for d in response.json()["documents"]}
    assert (documents["1290"]["amount_sek"], documents["1281"]["amount_sek"]) == ("74400.00", "20460.00")
    return documents


async def test_a_municipality_sees_its_own_ready_days_long_stayers_and_invoices_and_no_one_elses(billing, invoiced):
    http, mine = billing.http, invoiced["1290"]["invoice_id"]
    follow_up = await http.get(
        "/municipalities/1290/follow-up",
        params={"agreement": "skane-2018", "from": "2022-03", "to": "2022-03"},
        headers=MALMO,
    )
    assert follow_up.json()["months"] == [
        {
            "period": "2022-03",
            "municipality": "1290",
            "stays": 5,
            "ready_days": 22,
            "average_days": "4.400",
            "threshold_days": "2.8",
            "over_threshold": True,
            "long_stays": ["long"],
        }
    ]
    listed = (await http.get("/municipalities/1290/invoices", headers=MALMO)).json()
    assert (listed["total"], [d["invoice_id"] for d in listed["items"]]) == (1, [mine])
    spec = await http.get(f"/invoices/{mine}/specification.csv", headers=MALMO)
    assert spec.status_code == 200 and {r["stay_id"] for r in csv.DictReader(io.StringIO(spec.text))} == {
        "k0",
        "k1",
        "k2",
        "k3",
        "long",
    }
    assert (await http.get(f"/invoices/{mine}/specification.pdf", headers=MALMO)).content.startswith(b"%PDF")
    # Lund: 404 for Kristianstad's bills, its own are there; finance and admin read any municipality's.
    for path in (
        "/municipalities/1290/invoices",
        "/municipalities/1290/follow-up?agreement=skane-2018&from=2022-03&to=2022-03",
        f"/invoices/{mine}/specification.csv",
        f"/invoices/{mine}/specification.pdf",
    ):
        assert (await http.get(path, headers=LUND)).status_code == 404, path
        assert (await http.get(path, headers=finance())).status_code == 200, path
        assert (await http.get(path, headers=admin())).status_code == 200, path
    assert (await http.get("/municipalities/1281/invoices", headers=LUND)).json()["total"] == 1


async def test_an_accepted_dispute_credits_the_stays_amount_in_the_next_run(billing, invoiced):
    http, invoice = billing.http, invoiced["1290"]["invoice_id"]
    opened = await http.post(
        f"/invoices/{invoice}/disputes", json={"stay_id": "k3", "reason": "Ingen underrättelse kom"}, headers=MALMO
    )
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert (dispute["status"], dispute["stay_id"], dispute["period"], dispute["credit_sek"]) == (
        "open",
        "k3",
        "2022-03",
        None,
    )
    # Refused: a second one while open (409), a stay not on the invoice (409), Lund (404), finance (403).
    again = await http.post(f"/invoices/{invoice}/disputes", json={"stay_id": "k3", "reason": "igen"}, headers=MALMO)
    assert again.status_code == 409 and "disputed already" in again.json()["detail"]
    foreign = await http.post(f"/invoices/{invoice}/disputes", json={"stay_id": "lund", "reason": "r"}, headers=MALMO)
    assert foreign.status_code == 409 and "not on the underlag" in foreign.json()["detail"]
    assert (
        await http.post(f"/invoices/{invoice}/disputes", json={"stay_id": "k3", "reason": "r"}, headers=LUND)
    ).status_code == 404
    assert (
        await http.post(f"/invoices/{invoice}/disputes", json={"stay_id": "k3", "reason": "r"}, headers=finance())
    ).status_code == 403

    open_ones = (await http.get("/disputes", params={"status": "open"}, headers=finance())).json()
    assert [d["dispute_id"] for d in open_ones["items"]] == [dispute["dispute_id"]]
    assert (await http.get("/disputes", headers=LUND)).json()["total"] == 0
    assert (await http.get(f"/disputes/{dispute['dispute_id']}", headers=LUND)).status_code == 404
    assert (await http.get("/disputes", params={"municipality": "1290"}, headers=LUND)).status_code == 403
    assert (await http.post(f"/disputes/{dispute['dispute_id']}/acceptance", headers=MALMO)).status_code == 403

    # k3's 2 days out of the sum, still one of N: D = 20, N = 5, 20 - 14 = 6 days = 55 800.00: 18 600.00 less.
    accepted = await http.post(
        f"/disputes/{dispute['dispute_id']}/acceptance", json={"reason": "Kvittens saknas"}, headers=finance()
    )
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["credit_sek"]) == ("accepted", "18600.00")
    assert [(s["step"], s["by_role"], s["reason"]) for s in accepted.json()["history"]] == [
        ("opened", "municipality", "Ingen underrättelse kom"),
        ("accepted", "finance", "Kvittens saknas"),
    ]
    twice = await http.post(f"/disputes/{dispute['dispute_id']}/rejection", json={"reason": "r"}, headers=finance())
    assert twice.status_code == 409 and "accepted already" in twice.json()["detail"]

    run = await http.post("/settlement-runs", json=MARCH, headers=finance())
    assert run.status_code == 201
    [credit] = [d for d in run.json()["documents"] if d["municipality"] == "1290"]
    assert (credit["kind"], credit["amount_sek"], credit["corrects_invoice_id"]) == ("credit", "-18600.00", invoice)
    assert [d["municipality"] for d in run.json()["documents"]] == ["1290"]  # Lund's month is unchanged
    spec = (await http.get(f"/invoices/{credit['invoice_id']}/specification.csv", headers=MALMO)).text
    k3 = next(r for r in csv.DictReader(io.StringIO(spec)) if r["stay_id"] == "k3")
    assert (k3["days"], k3["stay_ready_days"]) == ("2", "0")
    assert k3["note"] == f"dispute {dispute['dispute_id']} accepted: the stay's 2 ready days are credited"
    seen = (await http.get(f"/disputes/{dispute['dispute_id']}", headers=MALMO)).json()
    assert seen["status"] == "accepted" and len(seen["history"]) == 2
    after = await http.post(f"/invoices/{invoice}/disputes", json={"stay_id": "k3", "reason": "r"}, headers=MALMO)
    assert after.status_code == 409 and "its days are credited" in after.json()["detail"]

    events = await billing.published("1290:2022-03")
    assert [e["type"] for e in events] == [
        "settlement_calculated",
        "invoice_issued",
        "dispute_opened",
        "dispute_resolved",
        "settlement_calculated",
        "correction_issued",
    ]
    assert (events[3]["outcome"], events[3]["credit_sek"], events[3]["stay_id"]) == ("accepted", "18600.00", "k3")


async def test_a_rejected_dispute_keeps_the_invoice_and_has_its_reason(billing, invoiced):
    http, invoice = billing.http, invoiced["1290"]["invoice_id"]
    dispute = (
        await http.post(
            f"/invoices/{invoice}/disputes", json={"stay_id": "long", "reason": "För många dagar"}, headers=MALMO
        )
    ).json()
    no_reason = await http.post(f"/disputes/{dispute['dispute_id']}/rejection", json={}, headers=finance())
    assert no_reason.status_code == 422
    rejected = await http.post(
        f"/disputes/{dispute['dispute_id']}/rejection",
        json={"reason": "Kommunen kvitterade underrättelsen 12 mars 09:12"},
        headers=finance(),
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["history"][1]["reason"] == "Kommunen kvitterade underrättelsen 12 mars 09:12"
    rerun = await http.post("/settlement-runs", json=MARCH, headers=finance())
    assert rerun.status_code == 200 and rerun.json()["reused"] is True  # nothing to credit
    resolved = (await http.get("/disputes", params={"status": "rejected"}, headers=MALMO)).json()["items"]
    assert [d["dispute_id"] for d in resolved] == [dispute["dispute_id"]]
    # After a rejection the municipality may dispute again, with new reasons.
    again = await http.post(
        f"/invoices/{invoice}/disputes", json={"stay_id": "long", "reason": "Ny uppgift"}, headers=MALMO
    )
    assert again.status_code == 201
    audit = billing.runtime.messaging.audit_log
    async with billing.runtime.sessions() as session:
        rows = (await session.execute(select(audit.c.endpoint, audit.c.stay_id).where(audit.c.stay_id == "long"))).all()
    assert ("/invoices/{invoice_id}/disputes", "long") in rows and ("/disputes/{dispute_id}/rejection", "long") in rows


async def test_billings_reads_name_the_stays_they_return_and_follow_up_periods_are_bounded(billing, invoiced):
    """ADR 0024: a read of billing's records the stays it shows, one row per request; ADR 0025: bounded periods."""
    http, mine = billing.http, invoiced["1290"]["invoice_id"]
    period = {"agreement": "skane-2018", "from": "2022-03", "to": "2022-03"}
    reads = {
        "/settlements": await http.get("/settlements", params=MARCH, headers=finance()),
        "/follow-up": await http.get("/follow-up", params=period, headers=finance()),
        "/municipalities/{kommunkod}/follow-up": await http.get(
            "/municipalities/1290/follow-up", params=period, headers=MALMO
        ),
        "/invoices/{invoice_id}/specification.pdf": await http.get(
            f"/invoices/{mine}/specification.pdf", headers=MALMO
        ),
    }
    assert {path: answer.status_code for path, answer in reads.items()} == dict.fromkeys(reads, 200)
    audit = billing.runtime.messaging.audit_log
    async with billing.runtime.sessions() as session:
        query = select(audit.c.endpoint, audit.c.stay_id, audit.c.stay_ids).order_by(audit.c.id)
        rows = (await session.execute(query)).all()
    named = {endpoint: {*(stays or "").split(), *([one] if one else [])} for endpoint, one, stays in rows}
    shown = set(re.findall(r'"stay_id": ?"([^"]+)"', reads["/settlements"].text))  # long-stayers, anomalies
    assert named["/settlements"] == shown and named["/follow-up"] == {"long"}
    assert named["/municipalities/{kommunkod}/follow-up"] == {"long"}
    assert named["/invoices/{invoice_id}/specification.pdf"] == {"k0", "k1", "k2", "k3", "long"}
    for first, last, rule in (("2022-03", "2022-01", "the month of from or later"), ("2019-01", "2022-03", "36")):
        for path, who in (("/follow-up", finance()), ("/municipalities/1290/follow-up", MALMO)):
            refused = await http.get(path, params={**period, "from": first, "to": last}, headers=who)
            assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["query", "to"], path
            assert rule in refused.json()["detail"], path
