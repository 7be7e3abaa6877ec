"""ADR 0009: metrics for outbox backlog, consumer lag, dead-letter count and request latency, read with the
SDK's in-memory reader from services running in this process on the real broker and PostgreSQL."""

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from sqlalchemy import func, select

from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from planning.adapters.tables import messaging as planning_messaging
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.contracts import AdmissionNoticeSent
from svu_shared.envelope import CloudEvent
from svu_shared.kafka import dlq_topic, ensure_topics
from tests.support.auth import ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import eventually

CLOSED_PORT = "127.0.0.1:1"  # nothing listens: the broker is away for this service


@pytest.fixture(scope="session")
def reader() -> InMemoryMetricReader:
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))  # the services' instruments bind to it
    return reader


def points(reader: InMemoryMetricReader, name: str) -> list:  # type: ignore[type-arg]
    data = reader.get_metrics_data()
    return [
        point
        for resource in (data.resource_metrics if data else [])
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == name
        for point in metric.data.data_points
    ]


def value(reader: InMemoryMetricReader, name: str, **attributes: object) -> int | None:
    matching = [p for p in points(reader, name) if all(p.attributes.get(k) == v for k, v in attributes.items())]
    return sum(p.value for p in matching) if matching else None


def latency_count(reader: InMemoryMetricReader) -> int:
    return sum(
        p.count
        for p in points(reader, "http.server.duration")
        if p.attributes.get("http.method") == "POST" and p.attributes.get("http.target") == "/admission-notices"
    )


async def test_backlog_counts_unsent_events_and_latency_counts_each_request(reader, postgres):
    admission = admission_app(
        AdmissionSettings(
            database_url=postgres.fresh_database("svu_metrics_admission"),
            kafka_bootstrap=CLOSED_PORT,
            metrics_interval_seconds=0.1,
        )
    )
    await admission.state.runtime.start()
    try:
        before = latency_count(reader)
        transport = httpx.ASGITransport(app=admission)
        async with httpx.AsyncClient(transport=transport, base_url="http://a", headers=ward()) as client:
            for _ in range(3):
                assert (await client.post("/admission-notices", json=admission_notice(unique_hex()))).status_code == 201

        async def backlog_of_six():  # type: ignore[no-untyped-def]
            # Each notice and its patient's identity, committed together (ADR 0028).
            return value(reader, "svu.outbox.backlog", **{"svu.service": "admission"}) == 6

        await eventually(backlog_of_six, what="the backlog gauge to show the 6 unsent events")
        assert latency_count(reader) - before == 3
    finally:
        await admission.state.runtime.stop()
    assert value(reader, "svu.outbox.backlog", **{"svu.service": "admission"}) is None  # stopped: not reported


async def test_consumer_lag_drains_to_zero_and_dead_letters_are_counted(reader, kafka, postgres):
    planning = planning_app(
        PlanningSettings(
            database_url=postgres.fresh_database("svu_metrics_planning"),
            kafka_bootstrap=kafka.bootstrap,
            consumer_group=f"svu-planning-metrics-{uuid.uuid4()}",
        )
    )
    runtime = planning.state.runtime
    producer = AIOKafkaProducer(**kafka.admin.options())
    await producer.start()
    try:
        await producer.send_and_wait("svu.admission", b"not a cloudevent", key=b"metrics-poison")
    finally:
        await producer.stop()
    await runtime.start()
    try:

        async def dead_lettered():  # type: ignore[no-untyped-def]
            async with runtime.sessions() as s:
                dl = planning_messaging.dead_letters
                rows = await s.execute(select(func.count()).select_from(dl).where(dl.c.topic == "svu.admission"))
                count = rows.scalar_one()
                lag = [
                    p.value
                    for p in points(reader, "svu.consumer.lag")
                    if p.attributes["svu.service"] == "planning"
                    and p.attributes["messaging.destination.name"] == "svu.admission"
                ]
                return count if count and len(lag) == 3 and sum(lag) == 0 else None

        rows = await eventually(dead_lettered, deadline_seconds=60, what="planning to drain svu.admission")
        # Every poison on the topic so far (this test's and earlier tests') was dead-lettered once and counted.
        counted = value(reader, "svu.dead_letters", **{"messaging.destination.name": "svu.admission"})
        assert counted == rows
    finally:
        await runtime.stop()


async def test_a_consumer_stuck_on_the_database_shows_in_metrics_and_readiness_until_it_recovers(
    reader, kafka, postgres, monkeypatch
):
    """ADR 0012: a transient failure is retried, counted in svu.consumer.retrying, ages the oldest unapplied event
    of its partition, and after the stall time turns /health unhealthy; all of it clears when the event applies."""
    run = unique_hex()[:8]
    topic = f"svu.test-stall-{run}"
    monkeypatch.setattr(AdmissionNoticeSent, "topic", topic)  # notices travel on this test's own topic
    await ensure_topics(kafka.admin, [topic, dlq_topic(topic)])
    planning = planning_app(
        PlanningSettings(
            database_url=postgres.fresh_database(f"svu_metrics_stall_{run}"),
            kafka_bootstrap=kafka.bootstrap,
            kafka_username="admin",  # the private topic has no ACL of planning's
            consumer_group=f"stall-{run}",
            consumer_stall_seconds=1,
        )
    )
    runtime = planning.state.runtime
    runtime.consumes = (topic,)
    apply_notice = runtime.inbox.handlers[AdmissionNoticeSent.event_type]
    database_back = asyncio.Event()

    async def database_away(session, envelope, event):  # type: ignore[no-untyped-def]
        if not database_back.is_set():
            raise ConnectionResetError(104, "Connection reset by peer")  # what a lost database connection raises
        await apply_notice(session, envelope, event)

    runtime.inbox.handlers = {**runtime.inbox.handlers, AdmissionNoticeSent.event_type: database_away}
    now = datetime.now(UTC)
    notice = AdmissionNoticeSent(
        stay_id=f"stall-{run}",
        patient_id="191212121212",
        municipality="1280",
        care_unit="W",
        admitted_at=now,
        sent_at=now,
    )
    await runtime.start()
    try:
        producer = AIOKafkaProducer(**kafka.admin.options())
        await producer.start()
        try:
            await producer.send_and_wait(topic, CloudEvent.wrap(notice, notice.source).to_bytes(), key=b"stall")
        finally:
            await producer.stop()
        mine = {"svu.service": "planning"}

        async def stalled():  # type: ignore[no-untyped-def]
            ages = [
                p.value
                for p in points(reader, "svu.consumer.oldest_unapplied_age")
                if p.attributes.get("messaging.destination.name") == topic
            ]
            problems = await runtime.health()
            return (
                value(reader, "svu.consumer.retrying", **mine) == 1
                and max(ages, default=0) > 1
                and problems.get("consumer", "").startswith("no progress for")
            )

        await eventually(stalled, deadline_seconds=30, what="the stall to show")
        transport = httpx.ASGITransport(app=planning)
        async with httpx.AsyncClient(transport=transport, base_url="http://p") as client:
            health = await client.get("/health")
        # Readiness names the part only; the reason ("1 being retried") is in the log (ADR 0025).
        assert health.status_code == 503 and health.json()["problems"] == ["consumer"]
        assert "(1 being retried)" in (await runtime.health())["consumer"]
        database_back.set()

        async def recovered():  # type: ignore[no-untyped-def]
            return value(reader, "svu.consumer.retrying", **mine) == 0 and "consumer" not in await runtime.health()

        await eventually(recovered, deadline_seconds=30, what="the consumer to recover")
        async with runtime.sessions() as s:
            dl = planning_messaging.dead_letters
            assert (await s.execute(select(func.count()).select_from(dl))).scalar_one() == 0
    finally:
        await runtime.stop()
