"""The one way services talk to Kafka: an idempotent producer, manual-commit consumers, topics ensured."""

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from svu_shared.contracts import TOPICS

log = logging.getLogger(__name__)

# Every topic an integration event is published on, as the contracts define them (architecture §2); the contracts
# never import this module, so there is no cycle.
ALL_TOPICS: tuple[str, ...] = TOPICS
PARTITIONS = 3
# The topics are the log of record: a service's state can be rebuilt from them (svu_shared.rebuild, ADR 0020), so
# they keep every event (the broker's default deletes after 7 days).
KEEP_EVERY_EVENT = {"retention.ms": "-1"}


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def new_producer(bootstrap: str) -> AIOKafkaProducer:
    # Idempotent with acks=all: a retried send is not written twice, and nothing is acknowledged
    # before all in-sync replicas have it (architecture §3).
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15000,
    )


def new_consumer(bootstrap: str, group_id: str, topics: list[str]) -> AIOKafkaConsumer:
    # Offsets are committed by hand after the database commit (architecture §3).
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=2000,
        max_partition_fetch_bytes=2 * 1024 * 1024,
    )


async def ensure_topics(bootstrap: str, topics: list[str], replication_factor: int = 1) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t, PARTITIONS, replication_factor, topic_configs=KEEP_EVERY_EVENT) for t in missing]
                )
            except TopicAlreadyExistsError:
                pass  # another service created it between our list and create
    finally:
        await admin.close()


async def start_with_retry(make, what: str, stop: asyncio.Event):  # type: ignore[no-untyped-def]
    """Start a Kafka client, retrying while the broker is unreachable; a service starts without a broker."""
    delay = 0.2
    while not stop.is_set():
        client = make()
        try:
            await client.start()
            return client
        except KafkaError as exc:
            log.warning("%s: broker unreachable (%s); retrying", what, exc)
            await client.stop()
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass
            delay = min(delay * 2, 5.0)
    return None
