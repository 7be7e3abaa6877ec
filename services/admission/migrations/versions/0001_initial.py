"""Stays with their admission notices; outbox, inbox, dead letters.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime
from svu_shared.messaging_tables import create_messaging_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "stays",
        sa.Column("stay_id", sa.String(64), primary_key=True),
        sa.Column("patient_id", sa.String(12), nullable=False),
        sa.Column("municipality", sa.String(4), nullable=False, index=True),
        sa.Column("care_unit", sa.String(64), nullable=False, index=True),
        sa.Column("care_type", sa.String(16), nullable=False),
        sa.Column("admitted_at", AwareDateTime(), nullable=False),
        sa.Column("support_needed_judged_at", AwareDateTime(), nullable=True),
        sa.Column("estimated_discharge_date", sa.Date, nullable=True),
        sa.Column("notice_sent_at", AwareDateTime(), nullable=False),
        sa.Column("notice_deadline", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stays")
    for table in ("dead_letters", "inbox", "outbox"):
        op.drop_table(table)
