"""ADR 0020: planning's consumer applies a partition batch with a handful of statements, and ends in the very state the
one-by-one path leaves (ADR 0005: the same verdicts, exactly once). One history of many stays, every shape of
`tests/support/histories.py` with a rejected notice and a resent event among them, goes through the inbox one event at
a time into one database and through the consumer's batches of several sizes into others; every table is compared."""

import asyncio
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from planning.adapters.tables import cases, feed, messages, parked_events, stays
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.consumer import EventConsumer
from svu_shared.envelope import CloudEvent
from svu_shared.facts import RejectedEvent
from svu_shared.inbox import Poison
from svu_shared.metrics import MetricSource
from tests.support.histories import SHAPES, stay_history
from tests.support.inprocess import in_process

START = datetime.fromisoformat("2025-03-01T10:00:00+01:00")


def history() -> list[tuple[str, CloudEvent]]:
    """(topic, envelope) of 4 stays of each shape, their events interleaved as several wards' systems send them,
    with a second notice that contradicts the first and an event sent twice (a relay's resend)."""
    per_stay = [
        [(e.topic, CloudEvent.wrap(e, e.source)) for e in stay_history(f"B{i:03d}", i % SHAPES, START + timedelta(i))]
        for i in range(4 * SHAPES)
    ]
    interleaved = [events[step] for step in range(6) for events in per_stay if step < len(events)]
    first = per_stay[0][0][1]
    contradicting = first.model_copy(update={"id": str(uuid.uuid4()), "data": {**first.data, "municipality": "0180"}})
    return [*interleaved[:50], ("svu.admission", contradicting), interleaved[49], *interleaved[50:]]


def record(topic: str, envelope: CloudEvent, offset: int) -> Any:
    return SimpleNamespace(
        value=envelope.to_bytes(), key=envelope.subject.encode(), topic=topic, partition=0, offset=offset, headers=[]
    )


async def state(service) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Every table the consumer writes, without the moments of writing (`now` at the time)."""
    m = service.runtime.messaging
    async with service.runtime.sessions() as s:

        async def rows(query) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
            return [tuple(r) for r in (await s.execute(query)).all()]

        published: dict[str, list[tuple[str, str, str]]] = {}
        for key, topic, payload in await rows(
            select(m.outbox.c.key, m.outbox.c.topic, m.outbox.c.payload).order_by("id")
        ):
            event = CloudEvent.from_bytes(payload)
            published.setdefault(key, []).append((topic, event.type, event.data["case_id"]))
        return {
            "stays": await rows(select(stays).order_by(stays.c.stay_id)),
            "cases": await rows(
                select(
                    cases.c.case_id,
                    cases.c.receiver_kind,
                    cases.c.receiver_id,
                    cases.c.closed_at.is_(None),
                    cases.c.closed_reason,
                    cases.c.closed_as,
                ).order_by(cases.c.case_id)
            ),
            "messages": await rows(
                select(messages.c.message_id, messages.c.stay_id, messages.c.type, messages.c.text)
                .add_columns(messages.c.sender_role, messages.c.sender_org, messages.c.to_role, messages.c.to_org)
                .order_by(messages.c.message_id)
            ),
            "parked": await rows(select(parked_events.c.event_id, parked_events.c.stay_id).order_by("event_id")),
            "inbox": sorted(event_id for (event_id,) in await rows(select(m.inbox.c.event_id))),
            "refused parked": await rows(select(m.dead_letters.c.event_id, m.dead_letters.c.reason).order_by("id")),
            "published": published,  # each stay's, in the order the relay sends them (outbox id)
            "feed": [  # each municipality's entries in their order (ADR 0022), the events planning publishes too
                (municipality, stay_id, CloudEvent.from_bytes(envelope).type)
                for municipality, stay_id, envelope in await rows(
                    select(feed.c.municipality, feed.c.stay_id, feed.c.envelope).order_by(
                        feed.c.municipality, feed.c.position
                    )
                )
            ],
        }


@pytest.mark.parametrize("batch_size", [3, 40, 1000])
async def test_batches_leave_the_state_one_by_one_leaves(database, batch_size):
    events = history()
    settings = [PlanningSettings(database_url=database.fresh(f"svu_it_batch_{uuid.uuid4().hex[:6]}")) for _ in "ab"]
    async with in_process(planning_app, settings[0]) as one_by_one, in_process(planning_app, settings[1]) as batched:
        rejected_one_by_one = []
        for topic, envelope in events:
            try:
                await one_by_one.runtime.inbox.apply(envelope, topic)
            except RejectedEvent:
                rejected_one_by_one.append(envelope.id)

        consumer = EventConsumer(
            service="planning", inbox=batched.runtime.inbox, dead_letters=None, metrics=MetricSource("p")
        )  # type: ignore[arg-type]
        dead: list[Poison] = []

        async def dead_letter(_record, poison, _producer_ready) -> None:  # type: ignore[no-untyped-def]
            dead.append(poison)

        consumer.dead_letter = dead_letter  # type: ignore[method-assign]
        records = [record(topic, envelope, offset) for offset, (topic, envelope) in enumerate(events)]
        for start in range(0, len(records), batch_size):
            await consumer.handle_batch(records[start : start + batch_size], None, asyncio.Event())

        assert [p.event_id for p in dead] == rejected_one_by_one != []
        assert dead[0].reason.startswith("rejected: stay B000 already has an admission notice")
        expected, found = await state(one_by_one), await state(batched)
        assert found["parked"] == [] and len(found["stays"]) == 4 * SHAPES
        for table in expected:
            assert found[table] == expected[table], table
        assert consumer.applied == len(expected["inbox"])
