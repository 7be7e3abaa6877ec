"""Each stay's span carries a version, new whenever a fact of the stay is kept (ADR 0019): a month's mark (its
stays and their versions) then says cheaply whether the month's facts changed since a what-if last read them.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.add_column("stay_spans", sa.Column("version", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE stay_span_versions")
        op.execute("UPDATE stay_spans SET version = nextval('stay_span_versions')")
    else:  # SQLite: one writer at a time, so the next version is the largest plus one
        op.execute("UPDATE stay_spans SET version = rowid")


def downgrade() -> None:
    with op.batch_alter_table("stay_spans") as batch:
        batch.drop_column("version")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE stay_span_versions")
