"""The ward that has the patient now (ADR 0025: it alone acts on the stay, the wards before it read).

From now on it follows the admission events (the notice's ward, then each transfer's `to_care_unit`). A stay recorded
before this revision gets the last ward of its list: the list has always been kept in the order the wards first
had the stay (notice, then transfers; `dict.fromkeys` since revision 0001, split in order by 0005), so its last ward
is the latest one the patient was transferred to. The one case it cannot tell is a transfer back to a ward already
on the list (A, B, A keeps the list A, B): such a stay gets B until its next transfer event (ADR 0025).

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        batch.add_column(sa.Column("care_unit", sa.String(64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        last = "wards[array_length(wards, 1)]"
        has_wards = "array_length(wards, 1) > 0"
    else:  # a JSON array in SQLite (svu_shared.db.UnitIds)
        last = "json_extract(wards, '$[' || (json_array_length(wards) - 1) || ']')"
        has_wards = "json_array_length(wards) > 0"
    op.execute(f"UPDATE timelines SET care_unit = {last} WHERE {has_wards}")


def downgrade() -> None:
    with op.batch_alter_table("timelines") as batch:
        batch.drop_column("care_unit")
