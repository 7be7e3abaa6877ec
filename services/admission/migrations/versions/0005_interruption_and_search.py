"""Avbrott i processen (the latest interruption, its note and time; the municipality a move left) and an index on
the patient id, by which a ward finds its stays (ADR 0015).

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.add_column(sa.Column("interruption_reason", sa.String(20), nullable=True))
        batch.add_column(sa.Column("interruption_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("interrupted_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("former_municipality", sa.String(4), nullable=True))
    op.create_index("ix_stays_patient_id", "stays", ["patient_id"])


def downgrade() -> None:
    op.drop_index("ix_stays_patient_id", table_name="stays")
    with op.batch_alter_table("stays") as batch:
        for name in ("former_municipality", "interrupted_at", "interruption_note", "interruption_reason"):
            batch.drop_column(name)
