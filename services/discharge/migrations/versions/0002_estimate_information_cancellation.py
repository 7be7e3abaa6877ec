"""The estimated discharge date, information at discharge (flags and times), withdrawals, cancellation.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0002"
down_revision = "0001"

COLUMNS = (
    ("estimated_discharge_date", sa.Date()),
    ("epicrisis_sent_at", AwareDateTime()),
    ("medication_list_sent_at", AwareDateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column("withdrawals", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        batch.drop_column("withdrawals")
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
