"""ADR 0007: the outbox relay killed between sending and marking sent. The batch is sent again with the
same event ids; the consumer applies each once."""

import asyncio
import json
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select

from billing.adapters.tables import stay_facts
from discharge.adapters.tables import messaging as discharge_messaging
from discharge.bootstrap import MIGRATIONS as DISCHARGE_MIGRATIONS
from svu_shared import outbox as outbox_module
from svu_shared.contracts import DischargeReadyNotified, DischargeReadyWithdrawn
from svu_shared.db import make_engine, make_sessions
from svu_shared.envelope import CloudEvent
from svu_shared.kafka import new_producer
from svu_shared.migrations import upgrade_to_head
from svu_shared.outbox import OutboxRelay, add_to_outbox
from tests.support.ids import unique_hex
from tests.support.realparts import eventually


class RelayKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


async def test_relay_killed_between_send_and_mark(kafka, postgres, billing_runtime, monkeypatch):
    # The producing side: a discharge-service database of its own, and a relay this test controls.
    database_url = postgres.fresh_database("svu_relay_crash_discharge")
    await asyncio.to_thread(upgrade_to_head, DISCHARGE_MIGRATIONS, database_url)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)
    outbox = discharge_messaging.outbox
    stay_ids = [f"relaycrash-{unique_hex()[:8]}" for _ in range(5)]
    async with sessions() as session, session.begin():
        now = datetime.now(UTC)
        envelopes = [
            await add_to_outbox(session, outbox, DischargeReadyNotified(stay_id=s, judged_at=now, sent_at=now))
            for s in stay_ids
        ]

    relay = OutboxRelay(sessions, outbox)
    producer = new_producer(kafka.admin)
    await producer.start()
    try:

        def killed(*_args, **_kwargs):  # the mark-sent statement is never reached
            raise RelayKilled

        monkeypatch.setattr(outbox_module, "update", killed)
        with pytest.raises(RelayKilled):
            await relay.publish_batch(producer)
        monkeypatch.undo()
        async with sessions() as session:
            unsent = (await session.execute(select(func.count()).where(outbox.c.sent_at.is_(None)))).scalar_one()
        assert unsent == 5  # sent, but not marked: the restarted relay sends them again
        assert await relay.publish_batch(producer) == 5
        assert await relay.publish_batch(producer) == 0
    finally:
        await producer.stop()
        await engine.dispose()

    # On the topic each event is there twice, with the same id ...
    reader = AIOKafkaConsumer(
        "svu.discharge",
        **kafka.admin.options(),
        auto_offset_reset="earliest",
        group_id=f"relaycrash-{unique_hex()[:6]}",
    )
    await reader.start()
    copies: dict[str, int] = {}
    try:

        async def both_copies_seen() -> bool:
            for records in (await reader.getmany(timeout_ms=500)).values():
                for r in records:
                    if r.key and r.key.decode() in stay_ids:
                        event_id = json.loads(r.value)["id"]
                        copies[event_id] = copies.get(event_id, 0) + 1
            return len(copies) == 5 and all(n == 2 for n in copies.values())

        await eventually(both_copies_seen, what="each event twice on the topic")
    finally:
        await reader.stop()
    assert set(copies) == {e.id for e in envelopes}

    # ... and the consumer's state has each exactly once. A withdrawal per stay, sent after both copies on the
    # same key (so the same partition), proves the consumer has processed the second copies when it arrives.
    producer = new_producer(kafka.admin)
    await producer.start()
    try:
        for stay_id in stay_ids:
            sentinel = CloudEvent.wrap(
                DischargeReadyWithdrawn(stay_id=stay_id, withdrawn_at=datetime.now(UTC), reason="sentinel"),
                "/svu/discharge",
            )
            await producer.send_and_wait("svu.discharge", sentinel.to_bytes(), key=stay_id.encode())
    finally:
        await producer.stop()

    async def facts_by_kind() -> dict[str, int]:
        async with billing_runtime.sessions() as session:
            rows = await session.execute(
                select(stay_facts.c.kind, func.count())
                .where(stay_facts.c.stay_id.in_(stay_ids))
                .group_by(stay_facts.c.kind)
            )
            return dict(rows.all())

    async def sentinels_applied() -> bool:
        return (await facts_by_kind()).get("discharge_ready_withdrawn") == 5

    await eventually(sentinels_applied, what="the five sentinels")
    assert await facts_by_kind() == {"discharge_ready": 5, "discharge_ready_withdrawn": 5}
