"""The process wave (ADR 0016): facts carry a reason and a backdated notice's receipt time; each stay's span
(filled from the facts already kept) lets a month read only its own facts; disputes; day amounts entered through
the API; invoices found by municipality.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.add_column("stay_facts", sa.Column("reason", sa.String(500), nullable=True))
    op.add_column("stay_facts", sa.Column("received_at", AwareDateTime(), nullable=True))
    op.create_table(
        "stay_spans",
        sa.Column("stay_id", sa.String(64), primary_key=True),
        sa.Column("first_ready_at", AwareDateTime(), nullable=True),
        sa.Column("ended_at", AwareDateTime(), nullable=True),
    )
    op.create_index("ix_stay_spans_first_ready_at", "stay_spans", ["first_ready_at"])
    op.create_index("ix_stay_spans_ended_at", "stay_spans", ["ended_at"])
    # Before this revision the only facts were notices, withdrawals and discharges: a span is the first notice and
    # the first discharge (stored UTC in one format on both databases, so MIN orders them as instants).
    op.execute(
        """INSERT INTO stay_spans (stay_id, first_ready_at, ended_at)
           SELECT stay_id,
                  MIN(CASE WHEN kind = 'discharge_ready' THEN at END),
                  MIN(CASE WHEN kind = 'discharged' THEN at END)
           FROM stay_facts GROUP BY stay_id"""
    )
    op.create_table(
        "disputes",
        sa.Column("dispute_id", sa.String(40), primary_key=True),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("municipality", sa.String(4), nullable=False),
        sa.Column("stay_id", sa.String(64), nullable=False),
        sa.Column("invoice_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_org", sa.String(64), nullable=False),
        sa.Column("opened_at", AwareDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_role", sa.String(20), nullable=True),
        sa.Column("resolved_org", sa.String(64), nullable=True),
        sa.Column("resolved_at", AwareDateTime(), nullable=True),
        sa.Column("resolution_reason", sa.String(500), nullable=True),
        sa.Column("credit_sek", sa.String(20), nullable=True),
    )
    op.create_index("ix_disputes_municipality", "disputes", ["municipality"])
    op.create_index("ix_disputes_status", "disputes", ["status"])
    op.create_index("ix_disputes_agreement_period_stay", "disputes", ["agreement", "period", "stay_id"])
    op.create_table(
        "day_amounts",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("amount_sek", sa.String(20), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_invoices_municipality", "invoices", ["municipality"])


def downgrade() -> None:
    op.drop_index("ix_invoices_municipality", "invoices")
    op.drop_table("day_amounts")
    op.drop_table("disputes")
    op.drop_table("stay_spans")
    with op.batch_alter_table("stay_facts") as batch:
        batch.drop_column("received_at")
        batch.drop_column("reason")
