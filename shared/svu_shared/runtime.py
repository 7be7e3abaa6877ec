"""What every service runs besides its routes: migrations, the outbox relay, the inbox consumer, /health.

A service's bootstrap builds one `ServiceRuntime` and hands it its handlers; the FastAPI app's lifespan
starts and stops it. The service starts without a broker (requests still succeed: the outbox holds
the events) and reports that in /health.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from svu_shared import local_issuer, redaction
from svu_shared.audit import audit_router, audit_table, record_access
from svu_shared.auth import AUTH_RESPONSES, Principal, TokenVerifier, authenticate
from svu_shared.consumer import EventConsumer
from svu_shared.db import DATABASE_UNAVAILABLE, make_engine, make_sessions
from svu_shared.inbox import Handler, Inbox
from svu_shared.kafka import (
    ALL_TOPICS,
    dlq_topic,
    ensure_topics,
    new_consumer,
    new_producer,
    start_with_retry,
)
from svu_shared.limits import InputLimits
from svu_shared.messaging_tables import dead_letter_table, inbox_table, outbox_table
from svu_shared.metrics import MetricSource, register, unregister
from svu_shared.migrations import upgrade_to_head
from svu_shared.outbox import OutboxRelay, outbox_backlog
from svu_shared.settings import ServiceSettings
from svu_shared.telemetry import setup_telemetry

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
        consumes: tuple[str, ...] = (),
        handlers: dict[str, Handler] | None = None,
    ) -> None:
        redaction.install()
        self.name = name
        self.settings = settings
        self.messaging = messaging
        self.migrations_dir = migrations_dir
        self.consumes = consumes
        self.engine = make_engine(settings.database_url)
        self.sessions = make_sessions(self.engine)
        self.relay = OutboxRelay(self.sessions, messaging.outbox, settings.relay_batch_size)
        self.inbox = Inbox(self.sessions, messaging.inbox, handlers or {})
        self.inbox.on_commit = self.relay.nudge
        self.metrics = MetricSource(name)
        self.consumer = EventConsumer(
            service=name,
            inbox=self.inbox,
            dead_letters=messaging.dead_letters,
            max_attempts=settings.consumer_max_attempts,
            metrics=self.metrics,
        )
        if settings.auth_jwks_url is None:
            log.warning("%s: trusting the local development token issuer (set auth_jwks_url in production)", name)
            local_issuer.ensure_keys()
        self.verifier = TokenVerifier(
            settings.auth_jwks_url or local_issuer.jwks_url(), settings.auth_issuer, settings.auth_audience
        )
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """The unit of work of a request: state change and outbox rows commit together, then the relay wakes."""
        async with self.sessions() as session, session.begin():
            yield session
        self.relay.nudge()

    async def producer_ready(self) -> AIOKafkaProducer | None:
        if self._producer is not None:
            return self._producer
        async with self._producer_lock:
            if self._producer is None and not self._stop.is_set():
                self._producer = await start_with_retry(
                    lambda: new_producer(self.settings.kafka_bootstrap), f"{self.name} producer", self._stop
                )
        return self._producer

    async def start(self) -> None:
        await asyncio.to_thread(upgrade_to_head, self.migrations_dir, self.settings.database_url)
        self._stop.clear()
        register(self.metrics)
        self._tasks = [
            asyncio.create_task(self.relay.run(self.producer_ready, self._stop), name="relay"),
            asyncio.create_task(self._sample_backlog(), name="backlog"),
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

    async def _consume(self) -> None:
        group = self.settings.consumer_group or f"svu-{self.name}"
        bootstrap = self.settings.kafka_bootstrap

        def make() -> AIOKafkaConsumer:
            return new_consumer(bootstrap, group, list(self.consumes))

        while not self._stop.is_set():
            consumer = None
            try:
                await ensure_topics(
                    bootstrap,
                    [*ALL_TOPICS, *(dlq_topic(t) for t in ALL_TOPICS)],
                    self.settings.kafka_replication_factor,
                )
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
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    app.state.runtime = runtime

    async def unavailable(_request: Request, exc: Exception) -> JSONResponse:
        # The database is away (restart, failover): the client retries; a retry of a request whose commit
        # did happen before the failure is recognised as the same request (ADR 0006).
        log.warning("%s: answering 503: %s", runtime.name, exc)
        return JSONResponse(
            {"detail": "the service's database is unavailable; retry shortly"}, 503, headers={"Retry-After": "2"}
        )

    for unavailable_error in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable_error, unavailable)

    @app.get("/health", tags=["operations"], summary="200 when the database and the broker are reachable")
    async def health() -> JSONResponse:
        problems = await runtime.health()
        if problems:
            return JSONResponse({"status": "unavailable", "service": runtime.name, "problems": problems}, 503)
        return JSONResponse({"status": "ok", "service": runtime.name})

    # Every route but /health and the OpenAPI document needs a verified bearer token (issue 5 §1).
    for router in [*routers, audit_router]:
        app.include_router(router, dependencies=[Depends(authenticate)], responses=AUTH_RESPONSES)
    settings = runtime.settings

    @app.middleware("http")
    async def audit(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        principal: Principal | None = getattr(request.state, "principal", None)
        if principal is not None:  # every authenticated access, whatever its outcome (issue 5 §5)
            try:
                await record_access(runtime, request, principal, response.status_code)
            except DATABASE_UNAVAILABLE:  # no audit row, no answer: an access must never go unlogged
                detail = {"detail": "the service's database (and its audit log) is unavailable; retry shortly"}
                return JSONResponse(detail, 503, headers={"Retry-After": "2"})
        return response

    app.add_middleware(InputLimits, max_bytes=settings.max_body_bytes)
    setup_telemetry(app, runtime.engine, runtime.name, settings.otel_exporter, settings.otel_endpoint)
    return app


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(app, host=settings.host, port=settings.port, timeout_graceful_shutdown=20)
