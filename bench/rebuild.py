"""Benchmark: `python -m svu_shared.rebuild planning` (ADR 0020) — planning's state rebuilt from its topics into an
empty database, next to a bare aiokafka consumer reading the same topics in the same run.

The topics hold the histories of `BENCH_REBUILD_STAYS` stays in the ten shapes of `tests/support/histories.py`
(notices, transfers, corrections, cancellations, moves, discharge-ready notices and their withdrawals, discharges,
events that come before their notice, a notice sent twice), on the real topic names of the bench's own broker. The
figure is records read per second from the first record to the last batch committed; migrating the empty database
and joining the broker are not in it (about a second, whatever the size).
"""

import os
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer

from bench.consumer import bare
from bench.figures import figure
from bench.measure import peak_memory_mb, reset_peak_memory, run
from bench.realparts import Parts
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.envelope import CloudEvent
from svu_shared.kafka import KafkaAccess, ensure_topics
from svu_shared.rebuild import rebuild
from tests.support.histories import SHAPES, stay_history

STAYS = int(os.environ.get("BENCH_REBUILD_STAYS", "12000"))


async def fill(access: KafkaAccess, stays: int) -> tuple[list[str], int]:
    """The stays' histories on the admission and discharge topics, interleaved as a region's wards send them."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    histories = [stay_history(f"year-{i:07d}", i % SHAPES, start + timedelta(minutes=40 * i)) for i in range(stays)]
    topics = sorted({event.topic for history in histories for event in history})
    await ensure_topics(access, topics)
    producer = AIOKafkaProducer(**access.options(), linger_ms=20, acks="all", enable_idempotence=True)
    await producer.start()
    sent = 0
    try:
        for step in range(max(len(h) for h in histories)):
            for history in histories:
                if step < len(history):
                    event = history[step]
                    envelope = CloudEvent.wrap(event, event.source)
                    await producer.send(event.topic, envelope.to_bytes(), key=envelope.subject.encode())
                    sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    return topics, sent


async def _run(parts: Parts) -> list[dict]:
    topics, sent = await fill(parts.admin, STAYS)
    bare_rate = await bare(parts.admin, topics, sent)
    settings = PlanningSettings(database_url=parts.fresh_database("svu_bench_rebuild"), kafka_bootstrap=parts.bootstrap)
    runtime = planning_app(settings).state.runtime
    reset_peak_memory()
    result = await rebuild(runtime)
    peak = peak_memory_mb()
    assert result.records == sent, (result.records, sent)
    print(
        f"rebuild of planning from {', '.join(topics)} ({STAYS:,} stays): {result.records:,} records in "
        f"{result.seconds:.1f} s, {result.rate:,.0f} records/s ({result.applied:,} applied); "
        f"bare aiokafka on the same topics: {bare_rate:,.0f} records/s"
    )
    return [
        figure(
            "rebuild_planning",
            round(result.rate),
            "records/s",
            ("bare_aiokafka_consumer_same_topics", round(bare_rate)),
            records=result.records,
            applied=result.applied,
            stays=STAYS,
            seconds=round(result.seconds, 1),
            peak_memory_mb=peak,
        )
    ]


def main(parts: Parts) -> list[dict]:
    return run(_run(parts))
