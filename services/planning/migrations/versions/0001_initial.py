"""Cases per receiver, parked out-of-order events; outbox, inbox, dead letters.

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
        "cases",
        sa.Column("case_id", sa.String(100), primary_key=True),
        sa.Column("stay_id", sa.String(64), nullable=False, index=True),
        sa.Column("receiver_kind", sa.String(16), nullable=False),
        sa.Column("receiver_id", sa.String(64), nullable=False, index=True),
        sa.Column("patient_id", sa.String(12), nullable=False),
        sa.Column("care_unit", sa.String(64), nullable=False),
        sa.Column("admitted_at", AwareDateTime(), nullable=False),
        sa.Column("opened_at", AwareDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("discharge_ready_at", AwareDateTime(), nullable=True),
        sa.Column("discharged_at", AwareDateTime(), nullable=True),
        sa.Column("destination", sa.String(32), nullable=True),
    )
    op.create_table(
        "parked_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("stay_id", sa.String(64), nullable=False, index=True),
        sa.Column("envelope", sa.LargeBinary, nullable=False),
        sa.Column("parked_at", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("parked_events")
    op.drop_table("cases")
    for table in ("dead_letters", "inbox", "outbox"):
        op.drop_table(table)
