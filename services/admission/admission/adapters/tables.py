"""The admission service's own tables (its database only; other services learn of stays through events)."""

from sqlalchemy import Boolean, Column, Date, MetaData, String, Table, Text, false

from svu_shared.db import AwareDateTime, UnitIds
from svu_shared.runtime import Messaging

metadata = MetaData()
messaging = Messaging(metadata)

stays = Table(
    "stays",
    metadata,
    Column("stay_id", String(64), primary_key=True),
    Column("patient_id", String(12), nullable=False, index=True),
    Column("municipality", String(4), nullable=False, index=True),
    Column("care_unit", String(64), nullable=False, index=True),
    Column("care_type", String(16), nullable=False),
    Column("admitted_at", AwareDateTime(), nullable=False),
    Column("support_needed_judged_at", AwareDateTime(), nullable=True),
    Column("estimated_discharge_date", Date, nullable=True),
    Column("notice_sent_at", AwareDateTime(), nullable=False),
    Column("notice_deadline", AwareDateTime(), nullable=False),
    Column("cancelled_at", AwareDateTime(), nullable=True),
    Column("cancel_reason", Text, nullable=True),
    Column("primary_care_unit", String(64), nullable=True),
    Column("corrected_at", AwareDateTime(), nullable=True),
    Column("wards", UnitIds(), nullable=False),
    Column("protected_identity", Boolean, nullable=False, server_default=false()),
    Column("patient_name", String(200), nullable=True),
    Column("patient_address", String(300), nullable=True),
    Column("interruption_reason", String(20), nullable=True),
    Column("interruption_note", Text, nullable=True),
    Column("interrupted_at", AwareDateTime(), nullable=True),
    Column("former_municipality", String(4), nullable=True),
    Column("discharged_at", AwareDateTime(), nullable=True),
)
