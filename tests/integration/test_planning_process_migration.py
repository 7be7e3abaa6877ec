"""ADR 0014: planning's migration 0005 on a database that holds data from before it, on PostgreSQL and SQLite: each
kept message gets its arrival time and, where the event says it, its sender; a closed case is `receiver_changed`;
the stays take their new columns; and it goes down and up again."""

import asyncio

import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from planning.bootstrap import MIGRATIONS
from svu_shared.migrations import alembic_config
from tests.support.ids import unique_hex

BEFORE = [
    "INSERT INTO stays (stay_id, patient_id, municipality, care_unit, notice_care_unit, primary_care_unit, "
    "admitted_at, notice_sent_at, status, wards, protected_identity) VALUES ('S1', '191212121212', '1280', 'W2', "
    "'W1', 'VC1', '2025-03-01 10:00:00', '2025-03-01 12:00:00', 'admitted', 'W1,W2', false)",
    "INSERT INTO cases VALUES ('S1:municipality:1280', 'S1', 'municipality', '1280', '2025-03-01 12:00:00', NULL, "
    "NULL)",
    "INSERT INTO cases VALUES ('S1:primary_care:VC0', 'S1', 'primary_care', 'VC0', '2025-03-01 12:00:00', "
    "'2025-03-01 13:00:00', 'the patient''s vårdcentral was corrected')",
    "INSERT INTO messages VALUES ('m1', 'S1', 'se.svu.admission.notice_sent.v1', '/svu/admission', "
    "'2025-03-01 12:00:00')",
    "INSERT INTO messages VALUES ('m2', 'S1', 'se.svu.planning.receiving_decided.v1', '/svu/planning', "
    "'2025-03-01 13:00:00')",
    "INSERT INTO messages VALUES ('m3', 'S1', 'se.svu.planning.care_contact_assigned.v1', '/svu/planning', "
    "'2025-03-01 13:30:00')",
    "INSERT INTO messages VALUES ('m4', 'S1', 'se.svu.planning.sip_decided.v1', '/svu/planning', "
    "'2025-03-01 14:00:00')",
    "INSERT INTO acknowledgements VALUES ('m1', 'S1:municipality:1280', '2025-03-01 15:00:00')",
]


async def _execute(url: str, *statements: str) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = None
            for statement in statements:
                result = await connection.execute(sa.text(statement))
            return [tuple(row) for row in result.all()] if result is not None and result.returns_rows else []
    finally:
        await engine.dispose()


async def test_migration_0005_keeps_what_was_there_and_fills_what_it_can(database):
    url = database.fresh(f"svu_it_planning_0005_{unique_hex()[:6]}")
    config = alembic_config(MIGRATIONS, url)
    await asyncio.to_thread(command.upgrade, config, "0004")
    await _execute(url, *BEFORE)
    await asyncio.to_thread(command.upgrade, config, "0005")
    messages = await _execute(
        url, "SELECT message_id, sender_role, sender_org, received_at = occurred_at FROM messages ORDER BY 1"
    )
    assert messages == [
        ("m1", "ward", "W2", True),  # the ward that has the stay
        ("m2", "municipality", "1280", True),
        ("m3", "primary_care", "VC1", True),
        ("m4", None, None, True),  # a SIP step, recorded by any party: no sender
    ]
    assert await _execute(url, "SELECT case_id, closed_as, closed_by FROM cases ORDER BY 1") == [
        ("S1:municipality:1280", None, None),
        ("S1:primary_care:VC0", "receiver_changed", None),
    ]
    assert await _execute(url, "SELECT former_municipalities, interruption, municipality_input FROM stays") == [
        ("", None, None)
    ]
    assert await _execute(url, "SELECT acknowledged_by FROM acknowledgements") == [(None,)]
    await asyncio.to_thread(command.downgrade, config, "0004")
    assert await _execute(url, "SELECT count(*) FROM messages") == [(4,)]
    await asyncio.to_thread(command.upgrade, config, "0005")
