"""The process wave (ADR 0014): interruptions, moves and backdated notices on the stay; the receivers'
planeringsunderlag; how a case ended and by whom; each message's sender, addressee, text and arrival; kvittens by
the person and by the ward; when each user last opened a stay; stays found by patient id.

Messages kept before this revision get a sender where the event says it: the ward's facts (admission and discharge
topics) are the ward's that has the stay, the assessment the ward's, the care contact the vårdcentral's and the
decision before discharge the municipality's; the SIP steps, recorded by any party, stay without one (an unknown
sender: unread for every party until acknowledged). Closed cases are `receiver_changed`: until now a case closed only
for a corrected vårdcentral.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

from svu_shared.db import AwareDateTime

revision = "0005"
down_revision = "0004"

STAY_COLUMNS = (
    ("municipality_input", sa.JSON(none_as_null=True)),
    ("primary_care_input", sa.JSON(none_as_null=True)),
    ("interrupted_at", AwareDateTime()),
    ("interruption", sa.String(32)),
    ("interruption_note", sa.String(500)),
    ("ready_received_at", AwareDateTime()),
    ("ready_backdating_reason", sa.String(500)),
)
MESSAGE_COLUMNS = (
    ("sender_role", sa.String(16)),
    ("sender_org", sa.String(64)),
    ("sender_subject", sa.String(200)),
    ("sender_name", sa.String(200)),
    ("to_role", sa.String(16)),
    ("to_org", sa.String(64)),
    ("text", sa.String(2000)),
)
STAY_OF_MESSAGE = "(SELECT stays.{column} FROM stays WHERE stays.stay_id = messages.stay_id)"
SENDERS = (
    ("ward", "care_unit", "source IN ('/svu/admission', '/svu/discharge')"),
    ("ward", "care_unit", "type = 'se.svu.planning.assessment_recorded.v1'"),
    ("primary_care", "primary_care_unit", "type = 'se.svu.planning.care_contact_assigned.v1'"),
    ("municipality", "municipality", "type = 'se.svu.planning.receiving_decided.v1'"),
)


def upgrade() -> None:
    with op.batch_alter_table("stays") as batch:
        for name, type_ in STAY_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column("former_municipalities", sa.Text(), nullable=False, server_default=""))
        batch.create_index("ix_stays_patient_id", ["patient_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("closed_as", sa.String(32), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.String(200), nullable=True))
    op.execute("UPDATE cases SET closed_as = 'receiver_changed' WHERE closed_at IS NOT NULL")
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("received_at", AwareDateTime(), nullable=True))
        for name, type_ in MESSAGE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.execute("UPDATE messages SET received_at = occurred_at")
    for role, column, where in SENDERS:
        op.execute(
            f"UPDATE messages SET sender_role = '{role}', sender_org = {STAY_OF_MESSAGE.format(column=column)} "
            f"WHERE {where}"
        )
    with op.batch_alter_table("messages") as batch:
        batch.alter_column("received_at", existing_type=AwareDateTime(), nullable=False)
    with op.batch_alter_table("acknowledgements") as batch:
        batch.add_column(sa.Column("acknowledged_by", sa.String(200), nullable=True))
    op.create_table(
        "ward_acknowledgements",
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("care_unit", sa.String(64), nullable=False),
        sa.Column("acknowledged_at", AwareDateTime(), nullable=False),
        sa.Column("acknowledged_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "stay_openings",
        sa.Column("stay_id", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("opened_at", AwareDateTime(), nullable=False),
        sa.Column("previously_opened_at", AwareDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("stay_openings")
    op.drop_table("ward_acknowledgements")
    with op.batch_alter_table("acknowledgements") as batch:
        batch.drop_column("acknowledged_by")
    with op.batch_alter_table("messages") as batch:
        for name, _type in reversed(MESSAGE_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("received_at")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("closed_by")
        batch.drop_column("closed_as")
    with op.batch_alter_table("stays") as batch:
        batch.drop_index("ix_stays_patient_id")
        batch.drop_column("former_municipalities")
        for name, _type in reversed(STAY_COLUMNS):
            batch.drop_column(name)
