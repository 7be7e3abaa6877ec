"""ADR 0019: a what-if reuses the month's timelines while the month's mark (its stays with their span versions) is
the same, and reads again as soon as a fact of the month comes: a new fact of one of its stays, a stay that ends in
it, a stay that leaves it. The answer is always the one the facts give; on an in-memory SQLite database."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from billing.adapters.agreement_files import load_agreement
from billing.adapters.repository import FactRepository
from billing.adapters.tables import metadata
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact
from billing.service_layer import views

T = ZoneInfo("Europe/Stockholm")
K = FactKind
MARCH = Month(2022, 3)


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2022, month, day, hour, tzinfo=T)


def stay(stay_id: str, ready: datetime, out: datetime) -> list[StayFact]:
    return [
        StayFact(stay_id, K.ADMISSION_NOTICE, at(1, 8), f"{stay_id}-a", "1280", "somatic"),
        StayFact(stay_id, K.DISCHARGE_READY, ready, f"{stay_id}-r"),
        StayFact(stay_id, K.DISCHARGED, out, f"{stay_id}-d"),
    ]


async def test_the_month_is_read_again_when_a_fact_of_it_comes():
    engine = create_async_engine("sqlite+aiosqlite:///:memory:", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    pair = (load_agreement("skane-2018"), load_agreement("skane-2018-midnight"))
    sessions = async_sessionmaker(engine)

    async def what_if() -> tuple[str, dict]:
        async with sessions() as session:
            mark = await FactRepository(session).month_mark(MARCH, MARCH)
            return mark, await views.comparison(session, pair, str(MARCH))

    async def keep(*facts: StayFact) -> None:
        async with sessions() as session:
            for fact in facts:
                await FactRepository(session).add(fact)
            await session.commit()

    await keep(*stay("a", at(2, 9), at(9, 15)), *stay("b", at(3, 9), at(4, 15)))
    mark, first = await what_if()
    assert (await what_if()) == (mark, first)  # nothing came: the same mark, the same answer
    days = first["municipalities"][0]["skane-2018"]["ready_days"]

    await keep(StayFact("a", K.DISCHARGE_READY_WITHDRAWN, at(5, 10), "a-w"))  # a fact of a stay of the month
    mark_2, second = await what_if()
    assert mark_2 != mark and second["municipalities"][0]["skane-2018"]["ready_days"] < days

    await keep(*stay("c", at(10, 9), at(12, 15)))  # a stay that ends in the month
    mark_3, third = await what_if()
    assert mark_3 != mark_2 and third["municipalities"][0]["skane-2018"]["stays"] == 3

    await keep(*stay("d", at(30, 9), at(2, 15, month=4)))  # a stay of April: March is the same
    assert (await what_if())[0] == mark_3

    await keep(StayFact("c", K.PROCESS_INTERRUPTED, at(20, 9, month=2), "c-died", reason="died"))  # c leaves March
    mark_4, fourth = await what_if()
    assert mark_4 != mark_3 and fourth["municipalities"][0]["skane-2018"]["stays"] == 2
    await engine.dispose()
