"""A closed case keeps its stay as it was when it closed (Patientdatalagen 4 kap. 1 §, ADR 0025): its receiver
reads that, and the messages up to the closing, nothing after.

A case closed before this revision has no such copy (what its stay was then was not kept): its receiver reads the
stay's facts as they are, and still only the messages up to the closing.

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("stay_as_closed", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("stay_as_closed")
