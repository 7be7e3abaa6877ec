"""ADR 0021: the broker is not open. Only an authenticated principal gets in, each service writes only its own
topic and reads only what it consumes, the broker creates no topic by itself, and retention is explicit."""

import asyncio
import dataclasses

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import GroupAuthorizationFailedError, KafkaError, TopicAuthorizationFailedError

from deploy.broker_access import DLQ_RETENTION_MS, EVENT_RETENTION_MS
from svu_shared.kafka import KafkaAccess, new_producer
from tests.support.ids import unique_hex


async def _write(access: KafkaAccess, topic: str) -> None:
    producer = AIOKafkaProducer(**access.options(), request_timeout_ms=5000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"probe", key=b"probe")
    finally:
        await producer.stop()


async def _read(access: KafkaAccess, group: str, topic: str) -> None:
    """Joins `group` on `topic` and polls until the group has assigned it a partition (or the broker refuses)."""
    consumer = AIOKafkaConsumer(
        topic, **access.options(), group_id=f"{group}{unique_hex()[:6]}", enable_auto_commit=False
    )
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=500)
    finally:
        await consumer.stop()


async def test_a_client_without_credentials_cannot_connect_to_read_or_write(kafka):
    for client in (
        AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, request_timeout_ms=3000),
        AIOKafkaConsumer("svu.admission", bootstrap_servers=kafka.bootstrap, request_timeout_ms=3000),
    ):
        with pytest.raises(KafkaError):
            await asyncio.wait_for(client.start(), 30)
        await client.stop()


async def test_a_wrong_password_is_refused(kafka):
    forged = dataclasses.replace(kafka.access("admission"), password="not-the-password")
    with pytest.raises(KafkaError):
        await asyncio.wait_for(_write(forged, "svu.admission"), 30)


async def test_the_discharge_principal_cannot_write_the_admission_topic_but_its_own(kafka):
    with pytest.raises(TopicAuthorizationFailedError):
        await asyncio.wait_for(_write(kafka.access("discharge"), "svu.admission"), 30)
    await asyncio.wait_for(_write(kafka.access("discharge"), "svu.discharge"), 30)
    await asyncio.wait_for(_write(kafka.access("admission"), "svu.admission"), 30)


async def test_a_service_reads_only_the_topics_it_consumes(kafka):
    # Billing consumes svu.discharge; it has no business reading the planning topic's SIP steps.
    await asyncio.wait_for(_read(kafka.access("billing"), "svu-billing-probe-", "svu.discharge"), 30)
    with pytest.raises(TopicAuthorizationFailedError):
        await asyncio.wait_for(_read(kafka.access("billing"), "svu-billing-probe-", "svu.planning"), 30)
    with pytest.raises(TopicAuthorizationFailedError):
        await asyncio.wait_for(_read(kafka.access("web"), "web-probe-", "svu.admission.dlq"), 30)
    # Nor may it join another service's consumer group.
    with pytest.raises(GroupAuthorizationFailedError):
        await asyncio.wait_for(_read(kafka.access("billing"), "svu-planning-probe-", "svu.discharge"), 30)


async def test_only_planning_reads_the_patients_identity_and_only_admission_writes_it(kafka):
    """ADR 0028: personnummer, name and address go to the receivers that must identify the patient, through planning;
    discharge, billing and the web application read the notice but never the identity."""
    identity = "svu.admission.identity"
    await asyncio.wait_for(_write(kafka.access("admission"), identity), 30)
    await asyncio.wait_for(_read(kafka.access("planning"), "svu-planning-probe-", identity), 30)
    for service, group in (
        ("discharge", "svu-discharge-probe-"),
        ("billing", "svu-billing-probe-"),
        ("web", "web-probe-"),
    ):
        with pytest.raises(TopicAuthorizationFailedError):
            await asyncio.wait_for(_read(kafka.access(service), group, identity), 30)
    await asyncio.wait_for(_read(kafka.access("discharge"), "svu-discharge-probe-", "svu.admission"), 30)
    with pytest.raises(TopicAuthorizationFailedError):
        await asyncio.wait_for(_write(kafka.access("planning"), identity), 30)


async def test_the_broker_creates_no_topic_and_retention_is_explicit(kafka):
    topic = f"svu.never-created-{unique_hex()[:6]}"
    producer = new_producer(kafka.admin)
    await producer.start()
    try:
        with pytest.raises(KafkaError):  # no metadata for it ever comes: the producer gives up
            await asyncio.wait_for(producer.send_and_wait(topic, b"x", key=b"k"), 30)
    finally:
        await producer.stop()
    admin = AIOKafkaAdminClient(**kafka.admin.options())
    await admin.start()
    try:
        assert topic not in await admin.list_topics()
        described = await admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, t)
                for t in ("svu.admission", "svu.admission.dlq", "svu.admission.identity", "svu.admission.identity.dlq")
            ]
        )
    finally:
        await admin.close()
    retention = {
        topic_name: int(value)
        for response in described
        for _code, _message, _type, topic_name, entries, *_ in response.resources
        for key, value, *_ in entries
        if key == "retention.ms"
    }
    assert retention == {
        "svu.admission": EVENT_RETENTION_MS,
        "svu.admission.dlq": DLQ_RETENTION_MS,
        "svu.admission.identity": EVENT_RETENTION_MS,
        "svu.admission.identity.dlq": DLQ_RETENTION_MS,
    }
