"""Architecture §3 on real PostgreSQL and Kafka: outbox atomicity, relay, inbox dedup, dead-letter topic."""

import json
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from billing.adapters.tables import messaging as billing_messaging
from billing.adapters.tables import stay_facts
from svu_shared.contracts import DischargeReadyNotified
from svu_shared.envelope import CloudEvent
from svu_shared.outbox import add_to_outbox
from svu_shared.runtime import Messaging, ServiceRuntime
from tests.support.ids import unique_hex
from tests.support.realparts import eventually


def ready(stay_id: str) -> DischargeReadyNotified:
    now = datetime.now(UTC)
    return DischargeReadyNotified(stay_id=stay_id, judged_at=now, sent_at=now)


async def count(runtime: ServiceRuntime, table, *where) -> int:  # type: ignore[no-untyped-def]
    async with runtime.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table).where(*where))).scalar_one())


async def test_outbox_row_is_rolled_back_with_the_state_change(billing_runtime):
    outbox = billing_runtime.messaging.outbox
    with pytest.raises(RuntimeError):
        async with billing_runtime.transaction() as session:
            await add_to_outbox(session, outbox, ready("rolled-back"))
            raise RuntimeError("the state change failed")
    assert await count(billing_runtime, outbox) == 0


async def test_relay_publishes_committed_rows_and_marks_them_sent(billing_runtime, kafka):
    outbox = billing_runtime.messaging.outbox
    stay_id = f"relay-{unique_hex()[:8]}"
    async with billing_runtime.transaction() as session:
        envelope = await add_to_outbox(session, outbox, ready(stay_id))
    await eventually(lambda: _all_sent(billing_runtime, outbox), what="outbox drained")
    # The relayed event came back through the consumer into billing's facts, exactly once.
    await eventually(
        lambda: count(billing_runtime, stay_facts, stay_facts.c.event_id == envelope.id), what="event applied"
    )
    assert await count(billing_runtime, stay_facts, stay_facts.c.stay_id == stay_id) == 1


async def _all_sent(runtime, outbox) -> bool:  # type: ignore[no-untyped-def]
    return await count(runtime, outbox, outbox.c.sent_at.is_(None)) == 0


async def test_inbox_applies_a_redelivered_event_once(billing_runtime):
    envelope = CloudEvent.wrap(ready(f"dup-{unique_hex()[:8]}"), DischargeReadyNotified.source)
    assert await billing_runtime.inbox.apply(envelope, "svu.discharge") is True
    assert await billing_runtime.inbox.apply(envelope, "svu.discharge") is False
    assert await count(billing_runtime, stay_facts, stay_facts.c.event_id == envelope.id) == 1


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "not a CloudEvents JSON envelope"),
        (
            json.dumps(
                {
                    "specversion": "1.0",
                    "id": "x1",
                    "source": "/svu/discharge",
                    "type": "se.svu.nope.v1",
                    "subject": "S",
                    "time": "2025-03-03T08:00:00Z",
                    "data": {},
                }
            ).encode(),
            "unknown event type",
        ),
        (
            json.dumps(
                {
                    "specversion": "1.0",
                    "id": "x2",
                    "source": "/svu/discharge",
                    "type": "se.svu.discharge.ready_notified.v1",
                    "subject": "S",
                    "time": "2025-03-03T08:00:00Z",
                    "data": {"stay_id": "S", "judged_at": "yesterday"},
                }
            ).encode(),
            "data does not match",
        ),
        (
            json.dumps(
                {
                    "specversion": "1.0",
                    "id": "x3",
                    "source": "/svu/admission",
                    "type": "se.svu.discharge.ready_notified.v1",
                    "subject": "S",
                    "time": "2025-03-03T08:00:00Z",
                    "data": {"stay_id": "S", "judged_at": "2025-03-03T08:00:00Z", "sent_at": "2025-03-03T08:00:00Z"},
                }
            ).encode(),
            "source /svu/admission does not own se.svu.discharge.ready_notified.v1",
        ),
    ],
    ids=["unparseable", "unknown-type", "wrong-schema", "not-the-owner"],
)
async def test_poison_message_goes_to_the_dead_letter_topic_and_the_consumer_goes_on(
    billing_runtime, kafka, payload, reason
):
    producer = AIOKafkaProducer(**kafka.admin.options())
    await producer.start()
    good = CloudEvent.wrap(ready(f"after-poison-{unique_hex()[:8]}"), DischargeReadyNotified.source)
    key = good.subject.encode()
    try:
        poison = await producer.send_and_wait("svu.discharge", payload, key=key)
        await producer.send_and_wait("svu.discharge", good.to_bytes(), key=key)
    finally:
        await producer.stop()
    # The good event behind the poison one is applied: the consumer went on.
    await eventually(lambda: count(billing_runtime, stay_facts, stay_facts.c.event_id == good.id), what="good event")

    dlq = AIOKafkaConsumer(
        "svu.discharge.dlq",
        **kafka.admin.options(),
        auto_offset_reset="earliest",
        group_id=f"dlq-reader-{unique_hex()[:8]}",
    )
    await dlq.start()
    try:

        async def find():  # type: ignore[no-untyped-def]
            batch = await dlq.getmany(timeout_ms=500)
            for record in (r for records in batch.values() for r in records):
                headers = dict(record.headers)
                # Every consumer group dead-letters on its own (planning may run beside us): find billing's.
                if record.value == payload and record.key == key and headers["svu.dlq.consumer"] == b"billing":
                    return headers
            return None

        headers = await eventually(find, what="dead letter")
    finally:
        await dlq.stop()
    assert reason in headers["svu.dlq.reason"].decode()
    assert headers["svu.dlq.topic"] == b"svu.discharge"
    assert headers["svu.dlq.consumer"] == b"billing"
    # Exactly one dead letter for this record (the topic may hold other tests' poison, dead-lettered on their own).
    dead = billing_runtime.messaging.dead_letters
    this_record = (dead.c.partition == poison.partition) & (dead.c.offset == poison.offset)
    assert await count(billing_runtime, dead, this_record & (dead.c.topic == "svu.discharge")) == 1
    assert await count(billing_runtime, dead, this_record & dead.c.reason.contains(reason)) == 1


def test_every_service_has_its_own_messaging_tables():
    assert isinstance(billing_messaging, Messaging)
    assert {"outbox", "inbox", "dead_letters", "stay_facts"} <= set(billing_messaging.metadata.tables)
