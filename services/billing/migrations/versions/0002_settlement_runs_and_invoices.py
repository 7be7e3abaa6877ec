"""Settlement runs and issued invoices / corrections.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "settlement_runs",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("input_digest", sa.String(64), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("specification", sa.Text, nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_settlement_runs_agreement_period", "settlement_runs", ["agreement", "period"])
    op.create_table(
        "invoices",
        sa.Column("invoice_id", sa.String(100), primary_key=True),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("municipality", sa.String(4), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("amount_sek", sa.String(20), nullable=False),
        sa.Column("corrects_invoice_id", sa.String(100), nullable=True),
        sa.Column("issued_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_invoices_agreement_period", "invoices", ["agreement", "period"])


def downgrade() -> None:
    op.drop_table("invoices")
    op.drop_table("settlement_runs")
