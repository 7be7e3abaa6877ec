"""The append-only audit log (ADR 0011); the wards that admitted or received the stay (access); the patient's
name and address and whether the identity is protected (skyddad identitet).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.audit import create_audit_log, keep_audit_log

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    create_audit_log(op)
    with op.batch_alter_table("stays") as batch:
        batch.add_column(sa.Column("wards", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("protected_identity", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("patient_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("patient_address", sa.String(300), nullable=True))
    op.execute("UPDATE stays SET wards = care_unit")


def downgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        for name in ("patient_address", "patient_name", "protected_identity", "wards"):
            batch.drop_column(name)
    keep_audit_log(op)
