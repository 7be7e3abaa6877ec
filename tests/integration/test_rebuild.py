"""ADR 0020: `python -m svu_shared.rebuild planning` rebuilds planning's state from its topics into an empty database:
the same state as applying the events one by one, the events it publishes marked sent, its dead letters in its table
only; it refuses a database that has applied events."""

import contextlib
import uuid
from datetime import datetime, timedelta
from unittest.mock import patch

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.envelope import CloudEvent
from svu_shared.facts import RejectedEvent
from svu_shared.kafka import ensure_topics
from svu_shared.rebuild import NotEmpty, rebuild
from tests.integration.test_batched_apply import state
from tests.support.histories import SHAPES, stay_history
from tests.support.inprocess import in_process

START = datetime.fromisoformat("2025-03-01T10:00:00+01:00")


async def test_a_rebuild_from_the_topics_leaves_the_state_one_by_one_leaves(kafka, postgres):
    run = uuid.uuid4().hex[:8]
    # One topic for the admission and discharge events: a stay's events then come in the order they were sent, as in
    # the one-by-one run (across two topics their interleaving is the consumer's).
    topic = f"svu.test-rebuild-{run}"
    await ensure_topics(kafka.admin, [topic])
    histories = [
        e for i in range(3 * SHAPES) for e in stay_history(f"R{run}-{i:03d}", i % SHAPES, START + timedelta(days=i))
    ]
    events = [(topic, CloudEvent.wrap(e, e.source)) for e in histories]
    first = events[0][1]
    contradicting = first.model_copy(update={"id": str(uuid.uuid4()), "data": {**first.data, "municipality": "0180"}})
    events.append((topic, contradicting))
    producer = AIOKafkaProducer(**kafka.admin.options())
    await producer.start()
    try:
        for _, envelope in events:
            await producer.send(topic, envelope.to_bytes(), key=envelope.subject.encode())
        await producer.flush()
    finally:
        await producer.stop()

    expected_settings = PlanningSettings(database_url=postgres.fresh_database(f"svu_it_rebuild_a_{run}"))
    async with in_process(planning_app, expected_settings) as one_by_one:
        for _, envelope in events:
            try:
                await one_by_one.runtime.inbox.apply(envelope, topic)
            except RejectedEvent:
                pass
        expected = await state(one_by_one)

    settings = PlanningSettings(
        database_url=postgres.fresh_database(f"svu_it_rebuild_b_{run}"),
        kafka_bootstrap=kafka.bootstrap,
        kafka_username="admin",  # the test's own topic has no ACL of planning's (ADR 0021)
    )
    runtime = planning_app(settings).state.runtime
    runtime.consumes = (topic,)
    with contextlib.ExitStack() as on_the_test_topic:  # each type belongs on its topic (ADR 0021): here the test's
        for kind in {type(e) for e in histories}:
            on_the_test_topic.enter_context(patch.object(kind, "topic", topic))
        result = await rebuild(runtime)
    assert result.records == len(events) and result.seconds > 0

    async with in_process(planning_app, settings) as rebuilt:
        found = await state(rebuilt)
        messaging = rebuilt.runtime.messaging
        async with rebuilt.runtime.sessions() as s:
            unsent = (await s.execute(select(func.count()).where(messaging.outbox.c.sent_at.is_(None)))).scalar_one()
    # Published events were published the first time: none waits for the relay; the contradicting notice is in the
    # dead-letter table (the dead-letter topic has it from the first time).
    assert unsent == 0
    refused = found.pop("refused parked")  # the dead-letter table: the one-by-one run recorded no dead letters
    assert [event_id for event_id, _ in refused] == [contradicting.id] and expected.pop("refused parked") == []
    for table in expected:  # the published events too (each stay's, in order), under new ids
        assert found[table] == expected[table], table

    again = planning_app(settings).state.runtime
    again.consumes = runtime.consumes
    with pytest.raises(NotEmpty):
        await rebuild(again)
