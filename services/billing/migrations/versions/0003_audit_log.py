"""The append-only audit log (ADR 0011).

Revision ID: 0003
"""

from alembic import op

from svu_shared.audit import create_audit_log, keep_audit_log

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_audit_log(op)


def downgrade() -> None:
    keep_audit_log(op)
