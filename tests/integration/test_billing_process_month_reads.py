"""ADR 0016: settling, comparing or following up a month reads that month's facts through the span indexes (the
stays that ended in it, and those still open that were ready by its end), not the whole facts table; a run's
input digest covers only its month's facts, so an event of another month reuses the month's run. Migration 0004
gives the stays already kept their spans. In-process on PostgreSQL and SQLite; 2022: 9 300 SEK per day."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import event, insert, select

from billing.adapters.tables import stay_facts, stay_spans
from billing.bootstrap import MIGRATIONS
from billing.bootstrap import bootstrap as billing_app
from billing.settings import BillingSettings
from svu_shared.contracts import AdmissionNoticeSent, DischargeReadyNotified, PatientDischarged
from svu_shared.db import make_engine
from svu_shared.migrations import alembic_config
from tests.support.auth import finance
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


async def stay(billing: InProcess, stay_id: str, ready: datetime, discharged: datetime | None) -> None:
    notice = AdmissionNoticeSent(
        stay_id=stay_id,
        patient_id="191212121212",
        municipality="1290",
        care_unit="W1",
        admitted_at=ready - timedelta(days=1),
        sent_at=ready - timedelta(hours=20),
    )
    await billing.feed(notice)
    await billing.feed(DischargeReadyNotified(stay_id=stay_id, judged_at=ready, sent_at=ready))
    if discharged is not None:
        await billing.feed(PatientDischarged(stay_id=stay_id, discharged_at=discharged, destination="home"))


async def run(billing: InProcess) -> tuple[int, dict]:
    response = await billing.http.post("/settlement-runs", json=MARCH, headers=finance())
    return response.status_code, response.json()


async def test_a_month_reads_its_own_facts_and_another_months_event_reuses_its_run(billing):
    # Ready days at noon 4, 4, 3, 2: D = 13, N = 4, 13 - 11.2 = 1.8 days x 9 300 = 16 740.00.
    for number, (ready, out) in enumerate(((1, 4), (2, 5), (7, 9), (10, 11))):
        await stay(billing, f"s{number}", at(ready, 9), at(out, 15))
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    event.listen(billing.runtime.engine.sync_engine, "before_cursor_execute", record)
    try:
        status, first = await run(billing)
    finally:
        event.remove(billing.runtime.engine.sync_engine, "before_cursor_execute", record)
    assert status == 201 and first["documents"][0]["amount_sek"] == "16740.00"
    reads = [s for s in statements if s.startswith("SELECT") and "FROM stay_facts" in s]
    assert reads and all("stay_spans" in s and "ended_at" in s for s in reads), reads

    # April's stay and a stay still waiting (ready in April): March's inputs are the same, so its run is reused.
    await stay(billing, "april", at(1, 9, month=4), at(4, 15, month=4))
    await stay(billing, "waiting", at(2, 9, month=4), None)
    status, again = await run(billing)
    assert (status, again["run_id"], again["reused"]) == (200, first["run_id"], True)
    # A late stay of March is March's input: a new run with a debit note (18 days, N = 5: 4 days = 37 200.00).
    await stay(billing, "late", at(14, 9), at(18, 15))
    status, third = await run(billing)
    assert status == 201 and [(d["kind"], d["amount_sek"]) for d in third["documents"]] == [("debit", "20460.00")]
    april = (await billing.http.get("/settlements", params={**MARCH, "period": "2022-04"}, headers=finance())).json()
    assert april["anomalies"] == [
        {"stay_id": "waiting", "reason": "no discharge in the month: discharge-ready without a discharge"}
    ]


async def test_the_migration_gives_every_stay_already_kept_its_span(database: Database):
    """Migration 0004 fills each stay's span from the facts kept before it, on both databases, and goes back."""
    url = database.fresh(f"svu_it_billing_mig_{unique_hex()[:6]}")
    config = alembic_config(MIGRATIONS, url)
    await asyncio.to_thread(command.upgrade, config, "0003")
    engine = make_engine(url)
    rows = [
        ("a1", "a", "admission_notice", at(1, 8)),
        ("a2", "a", "discharge_ready", at(3, 9)),
        ("a3", "a", "discharge_ready_withdrawn", at(4, 9)),
        ("a4", "a", "discharge_ready", at(2, 9)),
        ("a5", "a", "discharged", at(9, 15)),
        ("b1", "b", "discharge_ready", at(28, 9)),
    ]
    async with engine.begin() as connection:
        for event_id, stay_id, kind, when in rows:
            await connection.execute(insert(stay_facts).values(event_id=event_id, stay_id=stay_id, kind=kind, at=when))
    await asyncio.to_thread(command.upgrade, config, "head")
    async with engine.connect() as connection:
        spans = {r.stay_id: (r.first_ready_at, r.ended_at) for r in await connection.execute(select(stay_spans))}
    assert spans == {"a": (at(2, 9), at(9, 15)), "b": (at(28, 9), None)}
    await asyncio.to_thread(command.downgrade, config, "0003")
    await asyncio.to_thread(command.upgrade, config, "head")
    await engine.dispose()
