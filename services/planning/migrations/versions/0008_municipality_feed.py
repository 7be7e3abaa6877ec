"""The municipality's feed (ADR 0022): each event of a stay for the municipality where the patient is folkbokförd,
read with GET /feed instead of every municipality reading every patient's events from the broker.

Revision ID: 0008
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.String(4), nullable=False),
        sa.Column("stay_id", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("envelope", sa.LargeBinary, nullable=False),
        sa.Column("added_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_feed_municipality_position", "feed", ["municipality", "position"])


def downgrade() -> None:
    op.drop_index("ix_feed_municipality_position", "feed")
    op.drop_table("feed")
