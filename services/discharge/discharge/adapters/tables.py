"""The discharge service's own tables."""

from sqlalchemy import Column, MetaData, String, Table

from svu_shared.db import AwareDateTime
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
)
