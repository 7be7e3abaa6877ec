"""The patient's identity comes on its own topic (ADR 0028), in either order with the admission notice: a stay
opened by a second-version notice has no personnummer until the identity event has come.

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        batch.alter_column("patient_id", existing_type=sa.String(12), nullable=True)


def downgrade() -> None:
    # A stay whose identity has not come keeps an empty personnummer, as revision 0002 gave the stays it moved.
    op.execute("UPDATE stays SET patient_id = '' WHERE patient_id IS NULL")
    with op.batch_alter_table("stays") as batch:
        batch.alter_column("patient_id", existing_type=sa.String(12), nullable=False)
