"""Outbox and inbox tables, the same in every service's database; each service's first migration creates them."""

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, Text

from svu_shared.db import AwareDateTime


def outbox_table(metadata: MetaData) -> Table:
    # Rows are written in the transaction of the state change and published by the relay (architecture §3).
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", String(120), nullable=False),
        Column("key", String(120), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("traceparent", String(80), nullable=True),
        Column("created_at", AwareDateTime(), nullable=False),
        Column("sent_at", AwareDateTime(), nullable=True, index=True),
    )


def inbox_table(metadata: MetaData) -> Table:
    # One row per applied event id, written in the handler's transaction: a redelivery is a no-op.
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(120), nullable=False),
        Column("topic", String(120), nullable=False),
        Column("received_at", AwareDateTime(), nullable=False),
    )


def dead_letter_table(metadata: MetaData) -> Table:
    # What this service sent to a dead-letter topic, so operators can query it without a Kafka client.
    return Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("topic", String(120), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("event_id", String(64), nullable=True),
        Column("reason", Text, nullable=False),
        Column("at", AwareDateTime(), nullable=False),
    )


def create_messaging_tables(op) -> None:  # type: ignore[no-untyped-def]
    """Called from each service's first Alembic migration with alembic's `op`."""
    for table in (outbox_table(MetaData()), inbox_table(MetaData()), dead_letter_table(MetaData())):
        table.create(op.get_bind())
