"""The audit log's trace id and a list's stays in one row (ADR 0024, ADR 0025).

Revision ID: 0006
"""

from alembic import op

from svu_shared.audit import add_trace_and_stay_list, drop_trace_and_stay_list

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    add_trace_and_stay_list(op)


def downgrade() -> None:
    drop_trace_and_stay_list(op)
