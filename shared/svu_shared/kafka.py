"""The one way services talk to Kafka: an idempotent producer, manual-commit consumers, topics ensured; every
client over TLS and authenticated as its service's principal (ADR 0021)."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

from svu_shared import local_kafka_security
from svu_shared.contracts import TOPICS

log = logging.getLogger(__name__)

# Every topic an integration event is published on, as the contracts define them (architecture §2); the contracts
# never import this module, so there is no cycle.
ALL_TOPICS: tuple[str, ...] = TOPICS
PARTITIONS = 3


SCRAM = "SCRAM-SHA-512"
Security = Literal["SASL_SSL", "PLAINTEXT"]


@dataclass(frozen=True)
class KafkaAccess:
    """Where the broker is and who a client is there (ADR 0021): SASL_SSL with SCRAM-SHA-512, the broker's
    certificate checked against `ca_file`. Without a password or CA file, the local development ones
    (`svu_shared.local_kafka_security`) are used. PLAINTEXT exists for a broker outside this project's scripts;
    nothing here starts one."""

    bootstrap: str
    username: str
    password: str | None = None
    security: Security = "SASL_SSL"
    ca_file: str | None = None

    def options(self) -> dict[str, Any]:
        """The keyword arguments every aiokafka client takes for this access."""
        if self.security == "PLAINTEXT":
            return {"bootstrap_servers": self.bootstrap}
        if self.password is None or self.ca_file is None:
            local_kafka_security.ensure()
        return {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": SCRAM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password or local_kafka_security.password(self.username),
            "ssl_context": create_ssl_context(cafile=self.ca_file or str(local_kafka_security.CA_FILE)),
        }


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def new_producer(access: KafkaAccess) -> AIOKafkaProducer:
    # Idempotent with acks=all: a retried send is not written twice, and nothing is acknowledged
    # before all in-sync replicas have it (architecture §3).
    return AIOKafkaProducer(
        **access.options(),
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15000,
    )


def new_consumer(access: KafkaAccess, group_id: str, topics: list[str]) -> AIOKafkaConsumer:
    # Offsets are committed by hand after the database commit (architecture §3).
    return AIOKafkaConsumer(
        *topics,
        **access.options(),
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=2000,
        max_partition_fetch_bytes=2 * 1024 * 1024,
    )


async def ensure_topics(
    access: KafkaAccess, topics: list[str], replication_factor: int = 1, config: dict[str, str] | None = None
) -> None:
    """Creates the missing ones; only the deploy scripts' admin principal may (services have no Create right,
    and the broker creates no topic by itself: ADR 0021)."""
    admin = AIOKafkaAdminClient(**access.options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t, PARTITIONS, replication_factor, topic_configs=config or {}) for t in missing]
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
