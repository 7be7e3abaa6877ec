"""The stay's discharge, from the discharge service's `patient_discharged`: every role's read access ends a period
after it (Patientdatalagen 4 kap. 1 §, ADR 0025). A stay discharged before this revision has none until the event is
replayed to this service: it is read as a stay not discharged.

Revision ID: 0008
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.add_column(sa.Column("discharged_at", AwareDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.drop_column("discharged_at")
