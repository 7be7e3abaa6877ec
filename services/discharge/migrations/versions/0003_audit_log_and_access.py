"""The append-only audit log (ADR 0011); the stay's municipality and wards, from the admission events, for access.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.audit import create_audit_log, keep_audit_log

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_audit_log(op)
    with op.batch_alter_table("timelines") as batch:
        batch.add_column(sa.Column("municipality", sa.String(4), nullable=True))
        batch.add_column(sa.Column("wards", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        batch.drop_column("wards")
        batch.drop_column("municipality")
    keep_audit_log(op)
