"""The discharge service's own tables."""

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text

from svu_shared.db import AwareDateTime, UnitIds
from svu_shared.runtime import Messaging

metadata = MetaData()
messaging = Messaging(metadata)

timelines = Table(
    "timelines",
    metadata,
    Column("stay_id", String(64), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("ready_since", AwareDateTime(), nullable=True),
    Column("discharged_at", AwareDateTime(), nullable=True),
    Column("destination", String(32), nullable=True),
    Column("estimated_discharge_date", Date, nullable=True),
    Column("epicrisis_sent_at", AwareDateTime(), nullable=True),
    Column("medication_list_sent_at", AwareDateTime(), nullable=True),
    Column("withdrawals", Integer, nullable=False, server_default="0"),
    Column("municipality", String(4), nullable=True),
    Column("wards", UnitIds(), nullable=False),
    Column("care_unit", String(64), nullable=True),
    Column("ready_received_at", AwareDateTime(), nullable=True),
    Column("ready_judged_at", AwareDateTime(), nullable=True),
    Column("previous_period_closed_at", AwareDateTime(), nullable=True),
    Column("withdrawn_at", AwareDateTime(), nullable=True),
    Column("backdated_sent_at", AwareDateTime(), nullable=True),
    Column("backdating_reason", Text, nullable=True),
    Column("backdated_at", AwareDateTime(), nullable=True),
    Column("interruption_reason", String(20), nullable=True),
    Column("interrupted_at", AwareDateTime(), nullable=True),
)
