"""The discharge service's own tables."""

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

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
    Column("wards", UnitIds(), nullable=False, server_default=""),
)
