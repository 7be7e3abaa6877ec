"""Settlement runs through the service layer (ADR 0008), on an in-memory SQLite database (no server): a run stores
the month, issues each municipality's invoice once and publishes its events in the same transaction; the same inputs
reuse the run; a late stay gives a debit note against the invoice, which is never changed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from billing.adapters.agreement_files import load_agreement
from billing.adapters.repository import FactRepository
from billing.adapters.tables import messaging, metadata
from billing.domain.facts import FactKind, StayFact
from billing.entrypoints.schemas import RunOut
from billing.service_layer import views
from billing.service_layer.runs import run_settlement
from svu_shared.envelope import CloudEvent

T = ZoneInfo("Europe/Stockholm")
SKANE = load_agreement("skane-2018")


@pytest.fixture
async def session():  # type: ignore[no-untyped-def]
    engine = create_async_engine("sqlite+aiosqlite:///:memory:", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session
    await engine.dispose()


async def stay(session: AsyncSession, stay_id: str, ready_day: int, discharged_day: int) -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2022, 3, day, hour, tzinfo=T)

    facts = FactRepository(session)
    await facts.add(StayFact(stay_id, FactKind.ADMISSION_NOTICE, at(1, 8), f"{stay_id}-n", "1290", "somatic"))
    await facts.add(StayFact(stay_id, FactKind.DISCHARGE_READY, at(ready_day, 9), f"{stay_id}-r"))
    await facts.add(StayFact(stay_id, FactKind.DISCHARGED, at(discharged_day, 15), f"{stay_id}-d"))


async def published(session: AsyncSession) -> list[tuple[str, dict]]:
    rows = await session.execute(select(messaging.outbox.c.payload).order_by(messaging.outbox.c.id))
    envelopes = [CloudEvent.from_bytes(payload) for (payload,) in rows]
    return [(e.type.split(".")[-2], e.data) for e in envelopes]


async def test_an_invoice_once_the_same_inputs_reuse_the_run_and_a_late_stay_is_a_debit_note(session):
    # Ready days at noon 4, 4, 3, 2: D = 13, N = 4, average 3.25 > 2.8, 13 - 11.2 = 1.8 days x 9 300 (domain §3.1).
    for number, (ready, discharged) in enumerate(((1, 4), (2, 5), (7, 9), (10, 11))):
        await stay(session, f"s{number}", ready, discharged)
    first, reused = await run_settlement(session, SKANE, "2022-03")
    assert not reused
    [invoice] = first["documents"]
    assert (invoice["kind"], invoice["amount_sek"], invoice["invoice_id"]) == (
        "invoice",
        "16740.00",
        "INV-skane-2018-2022-03-1290-1",
    )
    RunOut.model_validate({**first, "reused": reused})  # the answer's model takes the run as it is

    again, reused = await run_settlement(session, SKANE, "2022-03")
    assert reused and again == first

    await stay(session, "late", 14, 18)  # 5 days: D = 18, N = 5, 18 - 14 = 4 days = 37 200.00; debit 20 460.00
    third, reused = await run_settlement(session, SKANE, "2022-03")
    [debit] = third["documents"]
    assert not reused and third["run_id"] != first["run_id"]
    assert (debit["kind"], debit["amount_sek"], debit["corrects_invoice_id"]) == (
        "debit",
        "20460.00",
        invoice["invoice_id"],
    )
    events = await published(session)
    assert [kind for kind, _ in events] == [
        "settlement_calculated",
        "invoice_issued",
        "settlement_calculated",
        "correction_issued",
    ]
    assert events[1][1]["run_id"] == first["run_id"] and events[3][1]["amount_sek"] == "20460.00"

    csv = await views.specification_csv(session, invoice["invoice_id"])
    assert csv is not None and len(csv.strip().splitlines()) == 1 + 4  # the invoice's run had four stays
    pdf = await views.specification_pdf(session, debit["invoice_id"])
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert await views.specification_csv(session, "INV-NONE") is None
