"""The billing service's own tables: the facts it took from the event log."""

from sqlalchemy import Column, MetaData, String, Table
from svu_shared.db import AwareDateTime
from svu_shared.runtime import Messaging

metadata = MetaData()
messaging = Messaging(metadata)

stay_facts = Table(
    "stay_facts",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("stay_id", String(64), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("at", AwareDateTime(), nullable=False, index=True),
    Column("municipality", String(4), nullable=True),
    Column("care_type", String(16), nullable=True),
)
