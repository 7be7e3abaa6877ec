"""Rebuild a service's state from the topics it consumes, into an empty database (ADR 0020).

    python -m svu_shared.rebuild planning [--group NAME] [--allow-partial]
    make rebuild SERVICE=planning

The service's settings come from its environment as when it runs (`PLANNING_DATABASE_URL`,
`PLANNING_KAFKA_BOOTSTRAP`, ...); the database must be empty (created, nothing in it). The rebuild migrates it, then
reads every partition of the service's topics from the beginning with a fresh consumer group, applying each batch
through the service's own inbox and handlers exactly as the running service does (the same batches, dead letters
and verdicts, ADR 0005, 0012), until it has caught up with the end of every partition as it was at the start. Then:

- The events the service published while applying (its outbox rows) are marked sent, not published again: they
  were published when the events were first applied, and consumers downstream have them.
- An event the service dead-letters is recorded in its `dead_letters` table only: the dead-letter topic has it from
  the first time.
- The service, started afterwards, goes on from its own group's committed offsets; what it reads again is a no-op
  (its inbox has every event id).

What it cannot rebuild is what never was in the topics it consumes: for planning, what its users recorded through
its API (plans, meddelanden, kvittens, cases closed or returned by a receiver) is in its own topic, which it does not
consume. The event topics keep 400 days (ADR 0023: a billing year and its disputes): when a partition's first events
were deleted, the rebuild stops and says so, unless `--allow-partial` (what is older comes from a backup).
The consumer group is `svu-<service>-rebuild-…`, within the service principal's group ACL (ADR 0021).
"""

import argparse
import asyncio
import importlib
import logging
import secrets
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import func, inspect, select, table, update

from svu_shared.db import make_engine
from svu_shared.kafka import new_consumer
from svu_shared.migrations import upgrade_to_head
from svu_shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 10.0


class NotEmpty(Exception):
    """The target database has applied events already: a rebuild goes into an empty one."""


class Incomplete(Exception):
    """A partition's first events are gone (retention): the topics no longer hold the whole history."""


@dataclass(frozen=True)
class Rebuilt:
    records: int  # read from the topics
    applied: int  # events applied (the rest: types the service does not use, duplicates, dead letters)
    seconds: float  # from the first record read to the last batch committed

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


async def rebuild(runtime: ServiceRuntime, group: str | None = None, allow_partial: bool = False) -> Rebuilt:
    """Rebuilds `runtime`'s database (empty) from the beginning of its topics; returns what it read and applied."""
    url = runtime.settings.database_url
    await _check_empty(url, runtime.messaging.inbox.name)
    await asyncio.to_thread(upgrade_to_head, runtime.migrations_dir, url)
    group = group or f"svu-{runtime.name}-rebuild-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    consumer = new_consumer(runtime.kafka, group, [])
    runtime.consumer.send_dead_letters = False
    await consumer.start()
    try:
        partitions = [tp for topic in runtime.consumes for tp in await _partitions(consumer, topic)]
        consumer.assign(partitions)
        start = await consumer.beginning_offsets(partitions)
        lost = {tp: first for tp, first in start.items() if first > 0}
        if lost and not allow_partial:
            where = ", ".join(f"{tp.topic}[{tp.partition}] from offset {first}" for tp, first in sorted(lost.items()))
            raise Incomplete(f"the topics no longer hold every event (retention deleted the first ones): {where}")
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        result = await _catch_up(runtime, consumer, end)
        async with runtime.sessions() as session, session.begin():
            outbox = runtime.messaging.outbox
            await session.execute(update(outbox).where(outbox.c.sent_at.is_(None)).values(sent_at=datetime.now(UTC)))
        return result
    finally:
        await consumer.stop()
        await runtime.engine.dispose()


async def _catch_up(runtime: ServiceRuntime, consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> Rebuilt:
    stop = asyncio.Event()

    async def no_producer() -> None:
        return None

    total = sum(end.values())
    records = 0
    started: float | None = None
    last_report = time.monotonic()
    while await _behind(consumer, end):
        batches = await consumer.getmany(timeout_ms=500)
        for tp, batch in batches.items():
            started = started or time.perf_counter()
            await runtime.consumer.handle_batch(batch, no_producer, stop)
            await consumer.commit({tp: batch[-1].offset + 1})
            records += len(batch)
        if time.monotonic() - last_report > PROGRESS_SECONDS:
            last_report = time.monotonic()
            seconds = time.perf_counter() - (started or time.perf_counter())
            log.info(
                "%s rebuild: %d of %d records read, %d applied, %.0f records/s",
                *(runtime.name, records, total, runtime.consumer.applied, records / max(seconds, 1e-9)),
            )
    seconds = time.perf_counter() - started if started is not None else 0.0
    return Rebuilt(records=records, applied=runtime.consumer.applied, seconds=seconds)


async def _behind(consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> bool:
    for tp, last in end.items():
        if await consumer.position(tp) < last:
            return True
    return False


async def _check_empty(url: str, inbox: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            if not await connection.run_sync(lambda sync: inspect(sync).has_table(inbox)):
                return
            applied = (await connection.execute(select(func.count()).select_from(table(inbox)))).scalar_one()
        if applied:
            raise NotEmpty(f"the database has {applied} applied event(s): a rebuild goes into an empty database")
    finally:
        await engine.dispose()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    found = consumer.partitions_for_topic(topic)
    if not found:
        await consumer._client.force_metadata_update()
        found = consumer.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in sorted(found)]


def service_runtime(service: str) -> ServiceRuntime:
    """The service's runtime as its `bootstrap()` wires it, with the settings of its environment. The service is
    found by name at run time: shared imports no service (the import-linter contract is about code)."""
    bootstrap = importlib.import_module(f"{service}.bootstrap").bootstrap
    return bootstrap().state.runtime  # type: ignore[no-any-return]


def _run(main: Coroutine[Any, Any, Rebuilt]) -> Rebuilt:
    """On uvloop, as the services run under uvicorn, where it is installed."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m svu_shared.rebuild", description=__doc__.split("\n")[0])
    parser.add_argument("service", help="the service to rebuild, e.g. planning")
    parser.add_argument("--group", help="the consumer group to read with (default: a new one)")
    parser.add_argument(
        "--allow-partial", action="store_true", help="rebuild even when retention deleted a partition's first events"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    runtime = service_runtime(args.service)
    if not runtime.consumes:
        print(f"rebuild: {args.service} consumes no topic: there is nothing to rebuild from", file=sys.stderr)
        return 2
    try:
        result = _run(rebuild(runtime, args.group, args.allow_partial))
    except (NotEmpty, Incomplete) as exc:
        print(f"rebuild: {exc}", file=sys.stderr)
        return 2
    print(
        f"rebuilt {args.service} from {', '.join(runtime.consumes)}: {result.records} records read, "
        f"{result.applied} events applied in {result.seconds:.1f} s ({result.rate:,.0f} records/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
