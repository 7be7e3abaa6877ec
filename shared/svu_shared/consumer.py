"""The consumer loop (architecture §3): apply each partition's batch through the inbox, commit the offset after
the database commit, and never stall on one event (ADR 0012).

- Undecodable events go to `<topic>.dlq` at once (`inbox.decode`); a handler's `RejectedEvent` goes there with
  the rule it breaks.
- Only what is transient is retried until it succeeds: the database away, restarting, out of connections, a
  serialisation failure or deadlock (`db.is_transient`). Every other failure is the event's: it is tried
  `max_attempts` times with backoff, then dead-lettered with its reason, and the consumer goes on.
- A partition's batch is applied in one transaction; when it fails, its halves are applied the same way, down to
  the one event that fails, which alone gets the verdict below (ADR 0005, ADR 0020).
- Progress is visible: retries in progress and the age of the oldest unapplied event per partition are metrics,
  and `stalled_for` tells readiness when the consumer has lag but has made no progress for a while.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from opentelemetry import trace
from sqlalchemy import Table, insert
from sqlalchemy.exc import DBAPIError

from svu_shared.contracts import IntegrationEvent
from svu_shared.db import is_transient, sqlstate
from svu_shared.envelope import CloudEvent
from svu_shared.inbox import Inbox, Poison, RejectedEvent, decode_event
from svu_shared.kafka import dlq_topic
from svu_shared.metrics import MetricSource
from svu_shared.metrics import dead_letters as dead_letters_metric
from svu_shared.telemetry import context_from_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

MAX_BACKOFF_SECONDS = 5.0


@dataclass(frozen=True)
class Retry:
    """An event the consumer is trying again, and why (what readiness and the log report)."""

    where: str
    reason: str
    since: float


def describe(exc: BaseException) -> str:
    """A failure in words fit for a log line and a dead-letter header: the driver's first line and SQLSTATE,
    never the statement's parameters (a database error's DETAIL line can carry row values)."""
    if isinstance(exc, DBAPIError):
        code = sqlstate(exc)
        first_line = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return f"{type(exc.orig).__name__}{f' (SQLSTATE {code})' if code else ''}: {first_line}"
    return f"{type(exc).__name__}: {exc}"


class EventConsumer:
    def __init__(
        self,
        *,
        service: str,
        inbox: Inbox,
        dead_letters: Table,
        max_attempts: int = 3,
        first_backoff_seconds: float = 0.2,
        metrics: MetricSource | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics or MetricSource(service)
        self.inbox = inbox
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self._first_backoff = first_backoff_seconds
        self.applied = 0
        # A rebuild (svu_shared.rebuild) reads topics whose dead letters went to the dead-letter topic the first
        # time: it records them in the table only.
        self.send_dead_letters = True
        self.retrying: dict[str, Retry] = {}  # by event id
        self._last_progress = time.monotonic()

    # --- progress, for metrics and readiness ---

    def stalled_for(self, now: float | None = None) -> float:
        """Seconds without progress while there is work: a batch in hand or lag on the broker. 0 when idle."""
        # A batch in hand is one with an oldest unapplied event (set while it is applied, cleared at its commit).
        has_work = bool(self.metrics.oldest_unapplied) or any(lag > 0 for lag in self.metrics.consumer_lag.values())
        return max(0.0, (now or time.monotonic()) - self._last_progress) if has_work else 0.0

    def _progressed(self) -> None:
        self._last_progress = time.monotonic()

    # --- the loop ---

    async def run(self, consumer: AIOKafkaConsumer, producer_ready, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
        self._progressed()
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            if not batches:
                self._progressed()  # caught up: nothing waits
            for tp, records in batches.items():
                # A partition's batch is applied whole (one transaction) before its offset is committed, so a
                # stop (SIGTERM) between batches leaves nothing half-applied and nothing applied uncommitted
                # beyond what the inbox dedups on redelivery.
                where = (tp.topic, tp.partition)
                self.metrics.oldest_unapplied[where] = _produced_at(records[0])
                await self.handle_batch(records, producer_ready, stop)
                await consumer.commit({tp: records[-1].offset + 1})
                self.metrics.oldest_unapplied.pop(where, None)
                self._progressed()
                if stop.is_set():
                    return
            await self._record_lag(consumer)

    async def handle_batch(self, records: list[ConsumerRecord], producer_ready, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
        """Dead-letters the undecodable, then applies the rest in one transaction; if that fails (a rejected
        event, a handler error, the database away) it rolls back and applies each half the same way, so the
        events around a failing one still go in batches and the failing one alone gets its own verdict."""
        wanted: list[tuple[ConsumerRecord, CloudEvent, IntegrationEvent]] = []
        for record in records:
            decoded = decode_event(record)
            if isinstance(decoded, Poison):
                await self.dead_letter(record, decoded, producer_ready)
            elif decoded[0].type in self.inbox.handlers:  # other types are valid events this service does not use
                wanted.append((record, *decoded))
        if wanted:
            await self._apply_in_parts(wanted, producer_ready, stop)

    async def _apply_in_parts(self, wanted, producer_ready, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
        if len(wanted) == 1:
            record, envelope, _event = wanted[0]
            with self._span(record, envelope):
                await self._apply_with_retries(record, envelope, producer_ready, stop)
            return
        try:
            self.applied += await self.inbox.apply_all(wanted, self._span)
            return
        except Exception as exc:
            if stop.is_set() and is_transient(exc):
                raise  # stopping while the database is away: the offsets stay uncommitted, nothing is lost
            log.info(
                "%s: batch of %d rolled back (%s); applying it in halves", self.service, len(wanted), describe(exc)
            )
        middle = len(wanted) // 2
        await self._apply_in_parts(wanted[:middle], producer_ready, stop)
        await self._apply_in_parts(wanted[middle:], producer_ready, stop)

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
        where = f"{record.topic}[{record.partition}]@{record.offset} {envelope.type} {envelope.id}"
        failures = 0
        attempt = 0
        delay = self._first_backoff
        try:
            while True:
                attempt += 1
                try:
                    if await self.inbox.apply(envelope, record.topic):
                        self.applied += 1
                    return
                except RejectedEvent as exc:
                    await self.dead_letter(record, Poison(f"rejected: {exc}", envelope.id), producer_ready)
                    return
                except Exception as exc:
                    reason = describe(exc)
                    if is_transient(exc):
                        # The database is away or busy: wait for it, never dead-letter a good event for that.
                        if stop.is_set():
                            raise
                        verdict = "transient, retried until it succeeds"
                    else:
                        failures += 1
                        if failures >= self._max_attempts:
                            log.error("%s: %s failed %d times: %s", self.service, where, failures, reason)
                            poison = Poison(f"handler failed: {reason}", envelope.id)
                            await self.dead_letter(record, poison, producer_ready)
                            return
                        verdict = f"failure {failures} of {self._max_attempts}"
                    first = self.retrying.get(envelope.id)
                    self.retrying[envelope.id] = Retry(where, reason, first.since if first else time.monotonic())
                    self.metrics.consumer_retrying = len(self.retrying)
                    log.warning(
                        "%s: %s attempt %d: %s (%s); next attempt in %.1f s",
                        *(self.service, where, attempt, reason, verdict, delay),
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
        finally:
            self.retrying.pop(envelope.id, None)
            self.metrics.consumer_retrying = len(self.retrying)

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
        while self.send_dead_letters:
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
        # The dead-letter table keeps an id only when it is one (an oversized "id" is the poison's reason).
        event_id = poison.event_id if poison.event_id and len(poison.event_id) <= 64 else None
        async with self.inbox.sessions() as session, session.begin():
            await session.execute(
                insert(self._dead_letters).values(
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    event_id=event_id,
                    reason=poison.reason,
                    at=datetime.now(UTC),
                )
            )


def _produced_at(record: ConsumerRecord) -> float:
    """When the record was written (Kafka's CreateTime, ms); now when the broker has none."""
    return record.timestamp / 1000 if record.timestamp and record.timestamp > 0 else time.time()
