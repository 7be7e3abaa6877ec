"""Cancellation (makulering) of a stay's notice, with its reason.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.add_column(sa.Column("cancelled_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
