"""Discharge timelines; outbox, inbox, dead letters.

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
        "timelines",
        sa.Column("stay_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ready_since", AwareDateTime(), nullable=True),
        sa.Column("discharged_at", AwareDateTime(), nullable=True),
        sa.Column("destination", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("timelines")
    for table in ("dead_letters", "inbox", "outbox"):
        op.drop_table(table)
