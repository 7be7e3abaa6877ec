"""Lists of units (and municipalities) are stored as lists, not comma-joined text (ADR 0027): a separator inside a
value can no longer turn one unit into two.

Revision ID: 0006
"""

from alembic import op

from svu_shared.migrations import joined_text_to_list, list_to_joined_text

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    joined_text_to_list(op, "stays", "wards")


def downgrade() -> None:
    list_to_joined_text(op, "stays", "wards")
