"""Case ids fit the longest valid parts: `<stay id>:<receiver kind>:<receiver id>` is up to 142 characters
(64 + 14 + 64), more than the 100 the columns held (ADR 0012).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.contracts.base import CASE_ID_MAX_LENGTH

revision = "0004"
down_revision = "0003"

COLUMNS = (("cases", "case_id"), ("acknowledgements", "case_id"))


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(CASE_ID_MAX_LENGTH), existing_type=sa.String(100))


def downgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(100), existing_type=sa.String(CASE_ID_MAX_LENGTH))
