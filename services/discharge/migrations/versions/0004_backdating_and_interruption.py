"""The notice that opened the latest ready period (receipt and judgement times), the withdrawals around it, its
backdating (a paper notice's earlier send time, with reason), and an interruption that ended the process (ADR 0015).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0004"
down_revision = "0003"

COLUMNS = (
    ("ready_received_at", AwareDateTime()),
    ("ready_judged_at", AwareDateTime()),
    ("previous_period_closed_at", AwareDateTime()),
    ("withdrawn_at", AwareDateTime()),
    ("backdated_sent_at", AwareDateTime()),
    ("backdating_reason", sa.Text()),
    ("backdated_at", AwareDateTime()),
    ("interruption_reason", sa.String(20)),
    ("interrupted_at", AwareDateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    # An open period's notice was received when it opened (its judgement time was not kept): it may be backdated.
    op.execute("UPDATE timelines SET ready_received_at = ready_since WHERE ready_since IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
