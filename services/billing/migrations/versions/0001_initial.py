"""Stay facts from the event log; outbox, inbox, dead letters.

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
        "stay_facts",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("stay_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False, index=True),
        sa.Column("municipality", sa.String(4), nullable=True),
        sa.Column("care_type", sa.String(16), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("stay_facts")
    for table in ("dead_letters", "inbox", "outbox"):
        op.drop_table(table)
