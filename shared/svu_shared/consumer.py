"""Inbox consumer (architecture §3): apply each event once, commit the offset after the database commit.

- The event id is recorded in the inbox in the handler's transaction; a redelivered event is a no-op.
- A message that cannot be decoded, names an unknown type, is rejected by the handler, or keeps failing,
  goes to `<topic>.dlq` with headers saying where it came from and why; the consumer goes on.
- While the database is unreachable the consumer retries the same message: that is no reason to dead-letter.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from opentelemetry import trace
from pydantic import ValidationError
from sqlalchemy import Table, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from svu_shared.contracts import IntegrationEvent, UnknownEventType, event_model
from svu_shared.db import DATABASE_UNAVAILABLE
from svu_shared.envelope import CloudEvent
from svu_shared.kafka import dlq_topic
from svu_shared.metrics import MetricSource
from svu_shared.metrics import dead_letters as dead_letters_metric
from svu_shared.telemetry import context_from_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[AsyncSession, CloudEvent, IntegrationEvent], Awaitable[None]]


class RejectedEvent(Exception):
    """A handler's verdict that an event can never be applied (it goes to the dead-letter topic)."""


@dataclass(frozen=True)
class Poison:
    reason: str
    event_id: str | None = None


class Inbox:
    """Applies one decoded event exactly once in a transaction of the service's database."""

    def __init__(self, sessions: async_sessionmaker, inbox: Table, handlers: dict[str, Handler]) -> None:
        self.sessions = sessions
        self._inbox = inbox
        self.handlers = handlers
        self.on_commit: Callable[[], None] = lambda: None

    async def apply(self, envelope: CloudEvent, topic: str) -> bool:
        """Returns False when the event had been applied before."""
        async with self.sessions() as session, session.begin():
            if not await self._claim(session, [(envelope, topic)]):
                return False
            await self._handle(session, envelope)
        self.on_commit()
        return True

    async def apply_all(self, records: list[tuple[ConsumerRecord, CloudEvent]], span) -> int:  # type: ignore[no-untyped-def]
        """Applies a partition's batch in one transaction (one commit instead of one per event): all or none.
        Returns how many were new; the caller falls back to `apply` one by one if this raises."""
        async with self.sessions() as session, session.begin():
            new = await self._claim(session, [(envelope, record.topic) for record, envelope in records])
            applied = 0
            for record, envelope in records:
                if envelope.id in new:
                    new.discard(envelope.id)  # the same event twice in one batch (a relay resend) applies once
                    with span(record, envelope):
                        await self._handle(session, envelope)
                    applied += 1
        if applied:
            self.on_commit()
        return applied

    async def _claim(self, session: AsyncSession, events: list[tuple[CloudEvent, str]]) -> set[str]:
        """Records the events' ids in the inbox in one statement; returns the ids it had not seen before."""
        dialect_insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        now = datetime.now(UTC)
        claimed = await session.execute(
            dialect_insert(self._inbox)
            .values(
                [{"event_id": e.id, "event_type": e.type, "topic": topic, "received_at": now} for e, topic in events]
            )
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(self._inbox.c.event_id)
        )
        return set(claimed.scalars())

    async def _handle(self, session: AsyncSession, envelope: CloudEvent) -> None:
        event = event_model(envelope.type).model_validate(envelope.data)
        await self.handlers[envelope.type](session, envelope, event)


def decode(record: ConsumerRecord) -> CloudEvent | Poison:
    try:
        envelope = CloudEvent.from_bytes(record.value)
    except (ValidationError, ValueError) as exc:
        return Poison(f"not a CloudEvents JSON envelope: {_first_error(exc)}")
    try:
        model = event_model(envelope.type)
        model.model_validate(envelope.data)
    except UnknownEventType as exc:
        return Poison(str(exc), envelope.id)
    except ValidationError as exc:
        return Poison(f"data does not match {envelope.type}: {_first_error(exc)}", envelope.id)
    if envelope.source != model.source:
        # Each event type has one owner (issue 5 §7): an event claiming another producer is not applied.
        return Poison(
            f"source {envelope.source} does not own {envelope.type} (its owner is {model.source})", envelope.id
        )
    return envelope


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
    return str(exc)


class EventConsumer:
    def __init__(
        self,
        *,
        service: str,
        inbox: Inbox,
        dead_letters: Table,
        max_attempts: int = 3,
        metrics: MetricSource | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics or MetricSource(service)
        self.inbox = inbox
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self.applied = 0

    async def run(self, consumer: AIOKafkaConsumer, producer_ready, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            for tp, records in batches.items():
                # A partition's batch is applied whole (one transaction) before its offset is committed, so a
                # stop (SIGTERM) between batches leaves nothing half-applied and nothing applied uncommitted
                # beyond what the inbox dedups on redelivery.
                await self.handle_batch(records, producer_ready, stop)
                await consumer.commit({tp: records[-1].offset + 1})
                if stop.is_set():
                    return
            await self._record_lag(consumer)

    async def handle_batch(self, records: list[ConsumerRecord], producer_ready, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
        """Dead-letters the undecodable, then applies the rest in one transaction; if that fails (a rejected
        event, a handler error, the database away) it rolls back and applies them one by one, where each
        failure gets its own verdict."""
        wanted: list[tuple[ConsumerRecord, CloudEvent]] = []
        for record in records:
            decoded = decode(record)
            if isinstance(decoded, Poison):
                await self.dead_letter(record, decoded, producer_ready)
            elif decoded.type in self.inbox.handlers:  # other types are valid events this service does not use
                wanted.append((record, decoded))
        if not wanted:
            return
        try:
            self.applied += await self.inbox.apply_all(wanted, self._span)
            return
        except Exception as exc:
            log.info("%s: batch of %d rolled back (%r); applying one by one", self.service, len(wanted), exc)
        for record, envelope in wanted:
            with self._span(record, envelope):
                await self._apply_with_retries(record, envelope, producer_ready, stop)

    def _span(self, record: ConsumerRecord, envelope: CloudEvent):  # type: ignore[no-untyped-def]
        """The handler's span, child of the producer span whose context came in the traceparent header."""
        return tracer.start_as_current_span(
            f"{self.service} handle {envelope.type}",
            context=context_from_headers(record.headers),
            kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.message.id": envelope.id},
        )

    async def _record_lag(self, consumer: AIOKafkaConsumer) -> None:
        # Every record returned so far is applied and committed here, so position is the committed offset.
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                self.metrics.consumer_lag[(tp.topic, tp.partition)] = highwater - await consumer.position(tp)

    async def _apply_with_retries(self, record, envelope, producer_ready, stop) -> None:  # type: ignore[no-untyped-def]
        failures = 0
        delay = 0.1
        while True:
            try:
                if await self.inbox.apply(envelope, record.topic):
                    self.applied += 1
                return
            except RejectedEvent as exc:
                await self.dead_letter(record, Poison(f"rejected: {exc}", envelope.id), producer_ready)
                return
            except IntegrityError:
                failures += 1  # a concurrent consumer applied it first; the retry finds it in the inbox
            except DATABASE_UNAVAILABLE as exc:
                # The database is away: wait for it, never dead-letter a good event for that.
                log.warning("%s: database unavailable (%s); retrying %s", self.service, exc, envelope.id)
                if stop.is_set():
                    raise
            except Exception as exc:
                failures += 1
                if failures >= self._max_attempts:
                    log.exception("%s: giving up on %s", self.service, envelope.id)
                    await self.dead_letter(record, Poison(f"handler failed: {exc!r}", envelope.id), producer_ready)
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def dead_letter(self, record: ConsumerRecord, poison: Poison, producer_ready) -> None:  # type: ignore[no-untyped-def]
        log.error(
            "%s: dead-lettering %s[%s]@%s: %s",
            self.service,
            record.topic,
            record.partition,
            record.offset,
            poison.reason,
        )
        headers = [
            *(record.headers or []),
            ("svu.dlq.reason", poison.reason.encode()),
            ("svu.dlq.topic", record.topic.encode()),
            ("svu.dlq.partition", str(record.partition).encode()),
            ("svu.dlq.offset", str(record.offset).encode()),
            ("svu.dlq.consumer", self.service.encode()),
        ]
        dead_letters_metric.add(1, {"svu.service": self.service, "messaging.destination.name": record.topic})
        while True:
            producer: AIOKafkaProducer | None = await producer_ready()
            if producer is not None:
                try:
                    await producer.send_and_wait(
                        dlq_topic(record.topic), value=record.value, key=record.key, headers=headers
                    )
                    break
                except Exception as exc:
                    log.warning("%s: dead-letter topic unreachable (%s); retrying", self.service, exc)
            await asyncio.sleep(0.5)
        async with self.inbox.sessions() as session, session.begin():
            await session.execute(
                insert(self._dead_letters).values(
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    event_id=poison.event_id,
                    reason=poison.reason,
                    at=datetime.now(UTC),
                )
            )
