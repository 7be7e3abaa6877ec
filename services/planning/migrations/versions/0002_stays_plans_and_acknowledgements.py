"""Planning per stay (the ward's facts and the plan), cases as receivers only, messages and their kvittens.

The stay-level columns move from `cases` to `stays`. No deployed database holds cases yet, so they are not
copied over (a database from an earlier development run keeps its cases but shows them only once their stay
has an event again).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0002"
down_revision = "0001"

RECORDS = ("care_contact", "assessment", "sip_decision", "sip_invitation", "sip", "receiving_decision")
MOVED = ("patient_id", "care_unit", "admitted_at", "status", "discharge_ready_at", "discharged_at", "destination")


def upgrade() -> None:
    op.create_table(
        "stays",
        sa.Column("stay_id", sa.String(64), primary_key=True),
        sa.Column("patient_id", sa.String(12), nullable=False),
        sa.Column("municipality", sa.String(4), nullable=False, index=True),
        sa.Column("care_unit", sa.String(64), nullable=False, index=True),
        sa.Column("notice_care_unit", sa.String(64), nullable=False),
        sa.Column("primary_care_unit", sa.String(64), nullable=True),
        sa.Column("admitted_at", AwareDateTime(), nullable=False),
        sa.Column("notice_sent_at", AwareDateTime(), nullable=False, index=True),
        sa.Column("notice_deadline", AwareDateTime(), nullable=True),
        sa.Column("estimated_discharge_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("ready_at", AwareDateTime(), nullable=True),
        sa.Column("sip_due_at", AwareDateTime(), nullable=True),
        sa.Column("sip_invited_at", AwareDateTime(), nullable=True),
        sa.Column("discharged_at", AwareDateTime(), nullable=True),
        sa.Column("destination", sa.String(32), nullable=True),
        sa.Column("epicrisis_sent_at", AwareDateTime(), nullable=True),
        sa.Column("medication_list_sent_at", AwareDateTime(), nullable=True),
        *(sa.Column(name, sa.JSON(none_as_null=True), nullable=True) for name in RECORDS),
    )
    with op.batch_alter_table("cases") as batch:
        for name in MOVED:
            batch.drop_column(name)
        batch.add_column(sa.Column("closed_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("closed_reason", sa.String(500), nullable=True))
    op.create_table(
        "messages",
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("stay_id", sa.String(64), nullable=False, index=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("occurred_at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "acknowledgements",
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(100), primary_key=True),
        sa.Column("acknowledged_at", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("acknowledgements")
    op.drop_table("messages")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("closed_reason")
        batch.drop_column("closed_at")
        batch.add_column(sa.Column("patient_id", sa.String(12), nullable=False, server_default=""))
        batch.add_column(sa.Column("care_unit", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("admitted_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="open"))
        batch.add_column(sa.Column("discharge_ready_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("discharged_at", AwareDateTime(), nullable=True))
        batch.add_column(sa.Column("destination", sa.String(32), nullable=True))
    op.drop_table("stays")
