"""Transactional outbox (architecture §3): events are rows committed with the state change; the relay publishes them.

The relay sends a batch with the idempotent producer, waits for every acknowledgement, then marks the rows
sent in the same transaction that locked them. If it dies between send and mark, the rows are sent again with the
same event ids and consumers dedup them.

With several replicas only one relay publishes at a time (a PostgreSQL advisory lock held for the batch's
transaction, ADR 0012): two relays each sending a batch of their own would interleave one stay's events, and a
consumer must see a stay's events in the order they were committed. The others stand by and take over at once
when the publishing replica stops. A stay's rows are ordered by id, which is their commit order: each state
change locks the stay's row before it writes its outbox row.
"""

import asyncio
import logging
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from svu_shared.batch import batch_writes, one_of
from svu_shared.contracts.base import IntegrationEvent
from svu_shared.envelope import CONTENT_TYPE, CloudEvent
from svu_shared.telemetry import context_from_traceparent, current_traceparent

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

RELAY_LOCK = 0x5356552D52454C  # "SVU-REL": the publishing relay of a service's database holds it per batch


async def add_to_outbox(session: AsyncSession, outbox: Table, event: IntegrationEvent) -> CloudEvent:
    """Record `event` for publication; call inside the transaction that makes the state change. While the session
    applies a partition batch, the row is written with the batch's others at its end (ADR 0020)."""
    envelope = CloudEvent.wrap(event, event.source)
    row = dict(
        event_id=envelope.id,
        topic=event.topic,
        key=envelope.subject,
        payload=envelope.to_bytes(),
        traceparent=current_traceparent(),
        created_at=datetime.now(UTC),
    )
    if (batch := batch_writes(session)) is not None:
        batch.insert(outbox, row)
    else:
        await session.execute(insert(outbox), row)
    return envelope


async def outbox_backlog(sessions: async_sessionmaker, outbox: Table) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).where(outbox.c.sent_at.is_(None)))).scalar_one())


async def _publishing_turn(session: AsyncSession) -> bool:
    """True when this relay may publish now: it holds the database's relay lock until its transaction ends.
    SQLite (`make run`) has one process and one relay, and its writes are serialised anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool((await session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RELAY_LOCK})).scalar())


class OutboxRelay:
    def __init__(
        self, sessions: async_sessionmaker, outbox: Table, batch_size: int = 500, linger_seconds: float = 0.0
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._batch_size = batch_size
        # Woken by a commit, the relay waits this long for the commits right behind it: one pass (a transaction,
        # the advisory lock, a select, an update) for all of them rather than one per request (ADR 0020).
        self._linger = linger_seconds
        self._wakeup = asyncio.Event()

    def nudge(self) -> None:
        """Called after a commit that added rows, so they go out without waiting for the next poll."""
        self._wakeup.set()

    async def publish_batch(self, producer: AIOKafkaProducer) -> int:
        o = self._outbox
        async with self._sessions() as session, session.begin():
            if not await _publishing_turn(session):
                return 0
            rows = (
                await session.execute(
                    select(o.c.id, o.c.topic, o.c.key, o.c.payload, o.c.traceparent)
                    .where(o.c.sent_at.is_(None))
                    .order_by(o.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            acks = [await self._send(producer, r) for r in rows]
            await asyncio.gather(*acks)
            sent = one_of(session, o.c.id, [r.id for r in rows])
            await session.execute(update(o).where(sent).values(sent_at=datetime.now(UTC)))
        return len(rows)

    async def _send(self, producer: AIOKafkaProducer, row):  # type: ignore[no-untyped-def]
        """A producer span, child of the request that wrote the row; its context travels in the header."""
        with tracer.start_as_current_span(
            f"publish {row.topic}", context=context_from_traceparent(row.traceparent), kind=trace.SpanKind.PRODUCER
        ):
            traceparent = current_traceparent()
            # Structured content mode of the CloudEvents Kafka binding: the content-type header names the format.
            headers = [("content-type", CONTENT_TYPE.encode())]
            if traceparent:
                headers.append(("traceparent", traceparent.encode()))
            return await producer.send(row.topic, value=row.payload, key=row.key.encode(), headers=headers)

    async def run(self, producer_ready, stop: asyncio.Event, poll_seconds: float = 0.2) -> None:  # type: ignore[no-untyped-def]
        """Publish until `stop`; `producer_ready()` returns a started producer or None while the broker is away."""
        delay = poll_seconds
        while not stop.is_set():
            sent = 0
            try:
                producer = await producer_ready()
                if producer is not None:
                    sent = await self.publish_batch(producer)
                delay = poll_seconds
            except Exception as exc:  # broker or database away: the rows stay unsent and are retried
                log.warning("outbox relay: %s; retrying", exc)
                delay = min(delay * 2, 5.0)
            if sent:
                continue
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
            except TimeoutError:
                continue
            if self._linger:
                await asyncio.sleep(self._linger)
