"""The billing service's own tables: the facts it took from the event log."""

from sqlalchemy import Column, Index, MetaData, String, Table, Text

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

settlement_runs = Table(
    "settlement_runs",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("agreement", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("input_digest", String(64), nullable=False),
    Column("result", Text, nullable=False),
    Column("specification", Text, nullable=False),
    Column("created_at", AwareDateTime(), nullable=False),
    Index("ix_settlement_runs_agreement_period", "agreement", "period"),
)

# Amounts as exact decimal strings: SQLite has no exact numeric type and money must stay to the öre.
invoices = Table(
    "invoices",
    metadata,
    Column("invoice_id", String(100), primary_key=True),
    Column("run_id", String(40), nullable=False),
    Column("agreement", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("municipality", String(4), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("amount_sek", String(20), nullable=False),
    Column("corrects_invoice_id", String(100), nullable=True),
    Column("issued_at", AwareDateTime(), nullable=False),
    Index("ix_invoices_agreement_period", "agreement", "period"),
)
