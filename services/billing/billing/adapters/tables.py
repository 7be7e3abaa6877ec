"""The billing service's own tables: the facts it took from the event log, each stay's span (what a month's
settlement reads), the stored runs with their invoices, disputes, and the day amounts entered through the API."""

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

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
    # A cancellation's or backdating's words, an interruption's reason; a backdating's notice receipt time.
    Column("reason", String(500), nullable=True),
    Column("received_at", AwareDateTime(), nullable=True),
)

# One row per stay, kept with its facts (ADR 0016): the first instant it may have been ready and the instant it
# ended (discharge, or death before it). A month's settlement reads the facts of the stays that ended in the month
# and of those still open that were ready by its end, through these two indexes, not the whole facts table.
stay_spans = Table(
    "stay_spans",
    metadata,
    Column("stay_id", String(64), primary_key=True),
    Column("first_ready_at", AwareDateTime(), nullable=True, index=True),
    Column("ended_at", AwareDateTime(), nullable=True, index=True),
    # New whenever a fact of the stay is kept (a sequence on PostgreSQL): a month's stays with their versions mark
    # its facts, so a what-if reuses what it computed while the mark is the same (ADR 0019).
    Column("version", BigInteger, nullable=True),
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
    Index("ix_invoices_municipality", "municipality"),
)

# A municipality's dispute of a stay's days in a month, and its resolution by finance (ADR 0016).
disputes = Table(
    "disputes",
    metadata,
    Column("dispute_id", String(40), primary_key=True),
    Column("agreement", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("municipality", String(4), nullable=False, index=True),
    Column("stay_id", String(64), nullable=False),
    Column("invoice_id", String(100), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("opened_by", String(200), nullable=False),
    Column("opened_org", String(64), nullable=False),
    Column("opened_at", AwareDateTime(), nullable=False),
    Column("status", String(10), nullable=False, index=True),
    Column("resolved_by", String(200), nullable=True),
    Column("resolved_role", String(20), nullable=True),
    Column("resolved_org", String(64), nullable=True),
    Column("resolved_at", AwareDateTime(), nullable=True),
    Column("resolution_reason", String(500), nullable=True),
    Column("credit_sek", String(20), nullable=True),
    Index("ix_disputes_agreement_period_stay", "agreement", "period", "stay_id"),
)

# Day amounts entered by finance or admin, beside the packaged table (domain §3.1 rule 6, ADR 0016).
day_amounts = Table(
    "day_amounts",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("amount_sek", String(20), nullable=False),
    Column("source", String(500), nullable=False),
    Column("added_by", String(200), nullable=False),
    Column("added_at", AwareDateTime(), nullable=False),
)
