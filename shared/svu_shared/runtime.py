"""The database half of every service: migrations, the outbox relay, the inbox consumer, and their health.

A service's bootstrap builds one `ServiceRuntime` and hands it its handlers; the FastAPI app's lifespan
starts and stops it. The service starts without a broker (requests still succeed: the outbox holds
the events) and reports that in /health.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from svu_shared.audit import AuditWriter, audit_router, audit_table, mark_recorded, record_access, record_in
from svu_shared.auth import Principal
from svu_shared.consumer import EventConsumer
from svu_shared.db import DATABASE_UNAVAILABLE, make_engine, make_sessions
from svu_shared.http_app import http_app
from svu_shared.inbox import Batching, Handlers, Inbox, topics_of
from svu_shared.kafka import new_consumer, new_producer, start_with_retry
from svu_shared.messaging_tables import dead_letter_table, inbox_table, outbox_table
from svu_shared.metrics import MetricSource, register, unregister
from svu_shared.migrations import require_head, upgrade_to_head
from svu_shared.outbox import OutboxRelay, outbox_backlog
from svu_shared.problems import problem
from svu_shared.retention import Purged, Retention, purge
from svu_shared.settings import ServiceSettings

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_SECONDS = 2.0


@dataclass
class Messaging:
    """Tables every service's database has, bound to the service's own MetaData."""

    metadata: MetaData
    outbox: Table = field(init=False)
    inbox: Table = field(init=False)
    dead_letters: Table = field(init=False)
    audit_log: Table = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = outbox_table(self.metadata)
        self.inbox = inbox_table(self.metadata)
        self.dead_letters = dead_letter_table(self.metadata)
        self.audit_log = audit_table(self.metadata)


class ServiceRuntime:
    def __init__(
        self,
        *,
        name: str,
        settings: ServiceSettings,
        messaging: Messaging,
        migrations_dir: Path,
        handlers: Handlers | None = None,
        parked: Table | None = None,
        batching: Batching | None = None,
    ) -> None:
        self.name = name
        self.parked = parked  # the events kept for a stay not known yet, when the service parks any
        self.settings = settings
        self.messaging = messaging
        self.migrations_dir = migrations_dir
        self.consumes = topics_of(handlers or {})
        self.kafka = settings.kafka_access(name)
        if settings.kafka_security != "PLAINTEXT" and self.kafka.password is None:
            log.warning("%s: no kafka_password set; using the local development broker's secrets", name)
        self.engine = make_engine(settings.database_url, settings.database_pool_size, settings.database_max_overflow)
        self.sessions = make_sessions(self.engine)
        self.relay = OutboxRelay(
            self.sessions, messaging.outbox, settings.relay_batch_size, settings.relay_linger_seconds
        )
        self.audit = AuditWriter(self.sessions, messaging.audit_log)
        self.inbox = Inbox(self.sessions, messaging.inbox, handlers or {}, batching)
        self.inbox.on_commit = self.relay.nudge
        self.metrics = MetricSource(name)
        self.consumer = EventConsumer(
            service=name,
            inbox=self.inbox,
            dead_letters=messaging.dead_letters,
            max_attempts=settings.consumer_max_attempts,
            metrics=self.metrics,
        )
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """The unit of work of a request: state change, outbox rows and the request's audit row commit together
        (ADR 0024), then the relay wakes."""
        async with self.sessions() as session, session.begin():
            yield session
            await record_in(session, self.messaging.audit_log)
        mark_recorded()
        self.relay.nudge()

    async def producer_ready(self) -> AIOKafkaProducer | None:
        if self._producer is not None:
            return self._producer
        async with self._producer_lock:
            if self._producer is None and not self._stop.is_set():
                self._producer = await start_with_retry(
                    lambda: new_producer(self.kafka), f"{self.name} producer", self._stop
                )
        return self._producer

    async def start(self) -> None:
        if self.settings.migrate_on_start:
            await asyncio.to_thread(upgrade_to_head, self.migrations_dir, self.settings.database_url)
        else:  # the owner role has migrated (`python -m <service> migrate`); this role could not (ADR 0026)
            await require_head(self.migrations_dir, self.engine, self.name)
        self._stop.clear()
        register(self.metrics)
        self._tasks = [
            asyncio.create_task(self.relay.run(self.producer_ready, self._stop), name="relay"),
            asyncio.create_task(self._sample_backlog(), name="backlog"),
            asyncio.create_task(self._purge_periodically(), name="purge"),
        ]
        if self.consumes:
            self._tasks.append(asyncio.create_task(self._consume(), name="consumer"))

    async def _sample_backlog(self) -> None:
        """Counts the unsent outbox rows for the backlog gauge (its callback cannot query an async database)."""
        while not self._stop.is_set():
            try:
                self.metrics.outbox_backlog = await outbox_backlog(self.sessions, self.messaging.outbox)
            except Exception as exc:  # the database is away: /health says so; keep the last count
                log.debug("%s: backlog not sampled: %s", self.name, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.settings.metrics_interval_seconds)

    async def purge(self, now: datetime | None = None) -> Purged:
        """Deletes what is past its retention (ADR 0023); expired parked events become dead letters."""
        s = self.settings
        return await purge(
            self.sessions,
            outbox=self.messaging.outbox,
            inbox=self.messaging.inbox,
            dead_letters=self.messaging.dead_letters,
            parked=self.parked,
            retention=Retention(s.outbox_sent_retention, s.inbox_retention, s.parked_retention),
            now=now or datetime.now(UTC),
        )

    async def _purge_periodically(self) -> None:
        while not self._stop.is_set():
            try:
                purged = await self.purge()
                if purged.parked:
                    log.warning("%s: %d parked event(s) expired to the dead letters", self.name, purged.parked)
            except Exception as exc:  # the database is away: /health says so; the next round purges
                log.debug("%s: not purged: %s", self.name, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.settings.purge_interval_seconds)

    async def _consume(self) -> None:
        group = self.settings.consumer_group or f"svu-{self.name}"

        def make() -> AIOKafkaConsumer:
            return new_consumer(self.kafka, group, list(self.consumes))

        # The topics are the deploy scripts' to create (ADR 0021): a service may only read and write them.
        while not self._stop.is_set():
            consumer = None
            try:
                consumer = await start_with_retry(make, f"{self.name} consumer", self._stop)
                if consumer is not None:
                    await self.consumer.run(consumer, self.producer_ready, self._stop)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s consumer: %s; restarting", self.name, exc)
                await asyncio.sleep(1.0)
            finally:
                if consumer is not None:
                    await consumer.stop()

    async def stop(self) -> None:
        """Graceful: the consumer finishes the event in hand and commits; the relay finishes its batch."""
        self._stop.set()
        self.relay.nudge()
        unregister(self.metrics)
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=15)
            for task in pending:
                task.cancel()
        if self._producer is not None:
            await self._producer.stop()
        await self.engine.dispose()

    async def health(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            problems["database"] = f"unreachable: {type(exc).__name__}"
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                producer = self._producer
                if producer is None:
                    raise ConnectionError("no connection to the broker yet")
                metadata = await producer.client.fetch_all_metadata()
                if not metadata.brokers():
                    raise ConnectionError("no broker in cluster metadata")
        except Exception as exc:
            problems["broker"] = f"unreachable at {self.settings.kafka_bootstrap}: {type(exc).__name__} {exc}".strip()
        stalled = self.consumer.stalled_for() if self.consumes else 0.0
        if stalled > self.settings.consumer_stall_seconds:
            # What and why is in the log at every attempt; /health is unauthenticated and names no event.
            retrying = len(self.consumer.retrying)
            problems["consumer"] = f"no progress for {stalled:.0f} s with events waiting ({retrying} being retried)"
        return problems


def service_app(runtime: ServiceRuntime, *, title: str, description: str, routers: list) -> FastAPI:  # type: ignore[type-arg]
    """The HTTP half (`http_app`) with this runtime's database half: started and stopped with the app, its
    health in /health, every authenticated access in its audit log, 503 while its database is away."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    async def audit(request: Request, principal: Principal | None, status: int) -> None:
        await record_access(runtime, request, principal, status)

    app = http_app(
        name=runtime.name,
        settings=runtime.settings,
        title=title,
        description=description,
        routers=[*routers, audit_router],
        lifespan=lifespan,
        health=runtime.health,
        audit=audit,
        engine=runtime.engine,
    )
    app.state.runtime = runtime

    async def unavailable(_request: Request, exc: Exception) -> JSONResponse:
        # The database is away (restart, failover): the client retries; a retry of a request whose commit
        # did happen before the failure is recognised as the same request (ADR 0006).
        log.warning("%s: answering 503: %s", runtime.name, exc)
        return problem(503, "the service's database is unavailable; retry shortly", headers={"Retry-After": "2"})

    for unavailable_error in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable_error, unavailable)
    return app
