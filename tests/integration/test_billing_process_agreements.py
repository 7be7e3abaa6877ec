"""ADR 0016: agreements and day amounts are managed, not edited in the package. Only an agreement in force for the
month issues invoices (a proposal is computed and compared, never invoiced: 409 naming the rule); finance or admin
enters a year's day amount with its source through the API (audited, stored in billing's database), and the year
can then be settled; an agreement id is checked against the known agreements before any file is read.
In-process on PostgreSQL and SQLite."""

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


@pytest.fixture
async def billing(database: Database):  # type: ignore[no-untyped-def]
    url = database.fresh(f"svu_it_billing_{unique_hex()[:6]}")
    async with in_process(billing_app, BillingSettings(database_url=url)) as service:
        yield service


async def four_stays(billing: InProcess, year: int) -> None:
    """Ready days at noon 4, 4, 3, 2 in March `year`: D = 13, N = 4, 13 - 11.2 = 1.8 billable days."""
    for number, (ready, out) in enumerate(((1, 4), (2, 5), (7, 9), (10, 11))):
        stay_id, ready_at = f"y{year}-{number}", datetime(year, 3, ready, 9, tzinfo=T)
        notice = AdmissionNoticeSent(
            stay_id=stay_id,
            patient_id="191212121212",
            municipality="1290",
            care_unit="W1",
            admitted_at=ready_at - timedelta(days=1),
            sent_at=ready_at - timedelta(hours=20),
        )
        await billing.feed(notice)
        await billing.feed(DischargeReadyNotified(stay_id=stay_id, judged_at=ready_at, sent_at=ready_at))
        out_at = datetime(year, 3, out, 15, tzinfo=T)
        await billing.feed(PatientDischarged(stay_id=stay_id, discharged_at=out_at, destination="home"))


async def test_a_proposal_is_compared_but_never_invoiced(billing):
    await four_stays(billing, 2022)
    http = billing.http
    refused = await http.post(
        "/settlement-runs", json={"agreement": "skane-2018-midnight", "period": "2022-03"}, headers=finance()
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:svu:problem:rule-broken"
    assert "skane-2018-midnight is a proposal (förslag)" in problem["detail"] and "never invoiced" in problem["detail"]
    # It is still settled and compared: the same month, the midnight boundary, nothing stored or issued.
    what_if = await http.get(
        "/settlements", params={"agreement": "skane-2018-midnight", "period": "2022-03"}, headers=finance()
    )
    assert what_if.status_code == 200
    compared = await http.get(
        "/comparisons",
        params={"period": "2022-03", "agreements": ["skane-2018", "skane-2018-midnight"]},
        headers=finance(),
    )
    [row] = compared.json()["municipalities"]
    assert (row["skane-2018"]["amount_sek"], row["skane-2018-midnight"]["amount_sek"]) == ("16740.00", "0.00")
    assert await billing.published("1290:2022-03") == []
    listed = (await http.get("/agreements", headers=finance())).json()["items"]
    assert {a["id"]: (a["status"], a["in_force_from"]) for a in listed} == {
        "law-default": ("proposal", None),
        "skane-2018": ("in_force", "2018-01-01"),
        "skane-2018-midnight": ("proposal", None),
        "skane-longstay-proposal": ("proposal", None),
    }
    ok = await http.post("/settlement-runs", json={"agreement": "skane-2018", "period": "2022-03"}, headers=finance())
    assert ok.status_code == 201 and ok.json()["documents"][0]["amount_sek"] == "16740.00"


async def test_an_agreement_id_never_reaches_the_file_system(billing):
    http = billing.http
    for bad in ("../../x", "../agreements/skane-2018", "day-amounts", "/etc/passwd"):
        settled = await http.get("/settlements", params={"agreement": bad, "period": "2022-03"}, headers=finance())
        assert settled.status_code == 422, bad
        [error] = settled.json()["errors"]
        assert error["loc"] == ["query", "agreement"] and "unknown agreement (the submitted value)" in error["msg"]
        assert bad not in settled.text  # a 422 does not echo what was sent (ADR 0025)
        assert "checked before any file is read" in error["msg"]
        run = await http.post("/settlement-runs", json={"agreement": bad, "period": "2022-03"}, headers=finance())
        assert run.status_code == 422 and run.json()["errors"][0]["loc"] == ["body", "agreement"], bad
    for bad in ("..x", "day-amounts", "skane-2099", "SKANE-2018"):
        one = await http.get(f"/agreements/{bad}", headers=finance())
        assert one.status_code == 404 and "unknown agreement" in one.json()["detail"], bad
    assert (await http.get("/agreements/skane-2018", headers=finance())).json()["status"] == "in_force"


async def test_a_years_day_amount_is_entered_once_with_its_source_and_the_year_can_be_settled(billing):
    await four_stays(billing, 2024)
    http, march = billing.http, {"agreement": "skane-2018", "period": "2024-03"}
    missing = await http.get("/settlements", params=march, headers=finance())
    assert missing.status_code == 422 and "no sourced day amount for 2024" in missing.json()["errors"][0]["msg"]

    body = {"year": 2024, "amount_sek": "10573", "source": "Socialstyrelsen, belopp för betalningsansvar 2024"}
    assert (await http.post("/day-amounts", json=body, headers=municipality("1290"))).status_code == 403
    assert (await http.post("/day-amounts", json={**body, "amount_sek": "-1"}, headers=finance())).status_code == 422
    assert (await http.post("/day-amounts", json={**body, "source": ""}, headers=finance())).status_code == 422
    entered = await http.post("/day-amounts", json=body, headers=finance())
    assert entered.status_code == 201, entered.text
    assert {k: entered.json()[k] for k in ("year", "amount_sek", "origin")} == {
        "year": 2024,
        "amount_sek": "10573.00",
        "origin": "database",
    }
    twice = await http.post("/day-amounts", json={**body, "amount_sek": "11000"}, headers=admin())
    assert twice.status_code == 409 and "2024 has a day amount already: 10573 SEK" in twice.json()["detail"]
    packaged = await http.post("/day-amounts", json={**body, "year": 2023}, headers=admin())
    assert packaged.status_code == 409 and "10500 SEK (Secondary source" in packaged.json()["detail"]

    # 1.8 days x 10 573 = 19 031.40 SEK, settled and invoiced now that the year has its amount.
    settled = (await http.get("/settlements", params=march, headers=finance())).json()
    [line] = settled["municipalities"]
    assert (line["day_amount_sek"], line["billable_days"], line["amount_sek"]) == ("10573.00", "1.80", "19031.40")
    run = await http.post("/settlement-runs", json=march, headers=finance())
    assert run.status_code == 201 and run.json()["documents"][0]["amount_sek"] == "19031.40"
    years = {
        e["year"]: (e["amount_sek"], e["origin"])
        for e in (await http.get("/day-amounts", headers=admin())).json()["items"]
    }
    assert years == {
        2019: ("7800.00", "package"),
        2020: ("8200.00", "package"),
        2022: ("9300.00", "package"),
        2023: ("10500.00", "package"),
        2024: ("10573.00", "database"),
    }
    audit = billing.runtime.messaging.audit_log
    async with billing.runtime.sessions() as session:
        rows = (
            await session.execute(
                select(audit.c.role, audit.c.status).where(audit.c.endpoint == "/day-amounts", audit.c.method == "POST")
            )
        ).all()
    assert sorted(rows) == [
        ("admin", 409),
        ("admin", 409),
        ("finance", 201),
        ("finance", 422),
        ("finance", 422),
        ("municipality", 403),
    ]
