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
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from svu_shared.contracts import IntegrationEvent, UnknownEventType, event_model
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
        handler = self.handlers[envelope.type]
        event = event_model(envelope.type).model_validate(envelope.data)
        async with self.sessions() as session, session.begin():
            seen = await session.execute(select(self._inbox.c.event_id).where(self._inbox.c.event_id == envelope.id))
            if seen.first() is not None:
                return False
            await session.execute(
                insert(self._inbox).values(
                    event_id=envelope.id, event_type=envelope.type, topic=topic, received_at=datetime.now(UTC)
                )
            )
            await handler(session, envelope, event)
        self.on_commit()
        return True


def decode(record: ConsumerRecord) -> CloudEvent | Poison:
    try:
        envelope = CloudEvent.from_bytes(record.value)
    except (ValidationError, ValueError) as exc:
        return Poison(f"not a CloudEvents JSON envelope: {_first_error(exc)}")
    try:
        event_model(envelope.type).model_validate(envelope.data)
    except UnknownEventType as exc:
        return Poison(str(exc), envelope.id)
    except ValidationError as exc:
        return Poison(f"data does not match {envelope.type}: {_first_error(exc)}", envelope.id)
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
                for record in records:
                    await self.handle(record, producer_ready, stop)
                    if stop.is_set() and record is not records[-1]:
                        # Shutdown mid-batch: commit what is applied, leave the rest for the next owner.
                        await consumer.commit({tp: record.offset + 1})
                        return
                await consumer.commit({tp: records[-1].offset + 1})
            await self._record_lag(consumer)

    async def _record_lag(self, consumer: AIOKafkaConsumer) -> None:
        # Every record returned so far is applied and committed here, so position is the committed offset.
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                self.metrics.consumer_lag[(tp.topic, tp.partition)] = highwater - await consumer.position(tp)

    async def handle(self, record: ConsumerRecord, producer_ready, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
        decoded = decode(record)
        if isinstance(decoded, Poison):
            await self.dead_letter(record, decoded, producer_ready)
            return
        if decoded.type not in self.inbox.handlers:
            return  # a valid event of a type this service does not use
        with tracer.start_as_current_span(
            f"{self.service} handle {decoded.type}",
            context=context_from_headers(record.headers),
            kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.message.id": decoded.id},
        ):
            await self._apply_with_retries(record, decoded, producer_ready, stop)

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
            except (DBAPIError, OSError) as exc:
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
