"""Benchmark: events per second through one of our consumers (receive, decode, inbox dedup, the planning handler
opening a case and writing its outbox row, database commit, offset commit), next to a bare aiokafka consumer
reading the same topic in the same run (receive only): the distance between the two is the cost of applying
each event exactly once.
"""

import asyncio
import os
import time
from datetime import UTC, datetime
from unittest.mock import patch

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.figures import figure
from bench.measure import peak_memory_mb, reset_peak_memory, run
from bench.realparts import Parts
from planning.adapters.batch import batched
from planning.adapters.tables import messaging
from planning.bootstrap import MIGRATIONS
from planning.service_layer.handlers import HANDLERS
from planning.settings import PlanningSettings
from svu_shared.contracts import AdmissionNoticeSent
from svu_shared.envelope import CloudEvent
from svu_shared.kafka import KafkaAccess, ensure_topics
from svu_shared.runtime import ServiceRuntime
from tests.support.ids import unique_hex

EVENTS = int(os.environ.get("BENCH_CONSUMER_EVENTS", "50000"))


async def fill(access: KafkaAccess, topic: str, count: int) -> None:
    await ensure_topics(access, [topic])
    producer = AIOKafkaProducer(**access.options(), linger_ms=20, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        now = datetime.now(UTC)
        for i in range(count):
            # The first version, which planning still accepts: one event with the identity, comparable with the
            # figures measured before the identity had a topic of its own (ADR 0028).
            event = AdmissionNoticeSent(
                stay_id=f"bench-{i:07d}",
                patient_id="191212121212",
                municipality="1280",
                care_unit="SE-BENCH",
                admitted_at=now,
                sent_at=now,
            )
            envelope = CloudEvent.wrap(event, event.source)
            await producer.send(topic, envelope.to_bytes(), key=envelope.subject.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def bare(access: KafkaAccess, topics: list[str], count: int) -> float:
    """Records per second a bare aiokafka consumer reads (and does nothing with), its start and group join included,
    as this reference has always been measured."""
    consumer = AIOKafkaConsumer(
        *topics, **access.options(), group_id=f"bench-bare-{unique_hex()[:6]}",
        auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=2000,
    )  # fmt: skip
    start = time.perf_counter()
    await consumer.start()
    try:
        seen = 0
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000)
            seen += sum(len(records) for records in batches.values())
        return count / (time.perf_counter() - start)
    finally:
        await consumer.stop()


async def ours(parts: Parts, topic: str, count: int) -> tuple[float, float]:
    """Events per second applied by the planning runtime's consumer: from its first applied batch to the last event
    (what a long replay sees), and from the start of the consumer task (its group join and first fetch included,
    about a second whatever the number of events)."""
    settings = PlanningSettings(
        database_url=parts.fresh_database("svu_bench_consumer"),
        kafka_bootstrap=parts.bootstrap,
        kafka_username="admin",  # the benchmark's own topic has no ACL of planning's
        consumer_group=f"bench-ours-{unique_hex()[:6]}",
    )
    runtime = ServiceRuntime(
        name="planning",
        settings=settings,
        messaging=messaging,
        migrations_dir=MIGRATIONS,
        handlers=HANDLERS,
        batching=batched,
    )
    runtime.consumes = (topic,)  # the bench's own topic, filled above
    await runtime.start()  # migrations first: not part of either figure
    start = time.perf_counter()
    try:
        first: tuple[float, int] | None = None
        while True:  # polling the counter: the consumer task does the work and signals nothing
            applied = runtime.consumer.applied
            if first is None and applied:
                first = (time.perf_counter(), applied)
            if applied >= count:
                assert first is not None
                end = time.perf_counter()
                return (count - first[1]) / (end - first[0]), count / (end - start)
            await asyncio.sleep(0.01)
    finally:
        await runtime.stop()


async def _run(parts: Parts) -> list[dict]:
    topic = f"bench.admission.{unique_hex()[:6]}"
    await fill(parts.admin, topic, EVENTS)
    bare_rate = await bare(parts.admin, [topic], EVENTS)
    reset_peak_memory()
    with patch.object(AdmissionNoticeSent, "topic", topic):  # the notices travel on the benchmark's own topic
        rate, from_start = await ours(parts, topic, EVENTS)
    peak = peak_memory_mb()
    print(
        f"one consumer, {EVENTS:,} admission notices: {rate:,.0f} events/s applied exactly once; "
        f"bare aiokafka on the same topic: {bare_rate:,.0f} events/s"
    )
    reference = ("bare_aiokafka_consumer", round(bare_rate))
    details = {"events": EVENTS, "from_start_events_per_second": round(from_start), "peak_memory_mb": peak}
    return [figure("consumer_events_applied", round(rate), "events/s", reference, **details)]


def main(parts: Parts) -> list[dict]:
    return run(_run(parts))
