"""ADR 0023: what a service keeps of its messaging is purged after its retention: sent outbox rows, inbox rows,
and events parked for a stay whose admission notice never came (those become dead letters)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from svu_shared.contracts import DischargeReadyNotified
from tests.support.notices import notice_event

READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")


async def _count(planning, table) -> int:  # type: ignore[no-untyped-def]
    async with planning.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(table))).scalar_one())


async def test_sent_outbox_rows_inbox_rows_and_parked_events_are_purged_after_their_retention(planning):
    runtime = planning.runtime
    outbox, inbox, dead = runtime.messaging.outbox, runtime.messaging.inbox, runtime.messaging.dead_letters
    parked = runtime.parked
    assert parked is not None
    await planning.feed(notice_event("OLD"))  # opens two cases: two outbox rows, one inbox row
    orphan = await planning.feed(DischargeReadyNotified(stay_id="ORPHAN", judged_at=READY, sent_at=READY))
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=440)  # past every retention of ADR 0023
    async with runtime.sessions() as s, s.begin():
        await s.execute(update(outbox).values(sent_at=long_ago))
        await s.execute(update(inbox).values(received_at=long_ago))
        await s.execute(update(parked).values(parked_at=long_ago))
    await planning.feed(notice_event("NEW"))  # recent: kept; its outbox rows unsent: kept whatever their age
    async with runtime.sessions() as s, s.begin():
        await s.execute(update(outbox).where(outbox.c.key == "NEW").values(created_at=long_ago))
    assert (await _count(planning, outbox), await _count(planning, inbox), await _count(planning, parked)) == (4, 3, 1)

    purged = await runtime.purge(now)

    assert (purged.outbox, purged.inbox, purged.parked) == (2, 2, 1)
    async with runtime.sessions() as s:
        assert set((await s.execute(select(outbox.c.key))).scalars()) == {"NEW"}
        assert (await s.execute(select(inbox.c.topic))).scalars().all() == ["svu.admission"]
        [letter] = (await s.execute(select(dead.c.topic, dead.c.event_id, dead.c.reason))).all()
    assert await _count(planning, parked) == 0
    assert (letter.topic, letter.event_id) == ("parked", orphan.id)
    assert letter.reason.startswith("expired: parked longer than 7 days")
    assert await runtime.purge(now) == type(purged)(0, 0, 0)  # nothing left past its retention
