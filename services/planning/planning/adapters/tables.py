"""The planning service's own tables."""

from sqlalchemy import Column, LargeBinary, MetaData, String, Table

from svu_shared.db import AwareDateTime
from svu_shared.runtime import Messaging

metadata = MetaData()
messaging = Messaging(metadata)

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(100), primary_key=True),
    Column("stay_id", String(64), nullable=False, index=True),
    Column("receiver_kind", String(16), nullable=False),
    Column("receiver_id", String(64), nullable=False, index=True),
    Column("patient_id", String(12), nullable=False),
    Column("care_unit", String(64), nullable=False),
    Column("admitted_at", AwareDateTime(), nullable=False),
    Column("opened_at", AwareDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("discharge_ready_at", AwareDateTime(), nullable=True),
    Column("discharged_at", AwareDateTime(), nullable=True),
    Column("destination", String(32), nullable=True),
)

# Events that arrived before the case they belong to (out of order across topics).
parked_events = Table(
    "parked_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("stay_id", String(64), nullable=False, index=True),
    Column("envelope", LargeBinary, nullable=False),
    Column("parked_at", AwareDateTime(), nullable=False),
)
