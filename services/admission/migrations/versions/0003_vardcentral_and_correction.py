"""The patient's vårdcentral (a second receiver) and the time of the latest correction (rättelse).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.add_column(sa.Column("primary_care_unit", sa.String(64), nullable=True))
        batch.add_column(sa.Column("corrected_at", AwareDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.drop_column("corrected_at")
        batch.drop_column("primary_care_unit")
