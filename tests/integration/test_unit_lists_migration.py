"""ADR 0027: the wards a stay has been on (and planning's former municipalities) were comma-joined text; the
migration after it makes them lists, on PostgreSQL and SQLite, splitting where the old reader split, and goes down
and up again."""

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from admission.adapters.tables import stays as admission_stays
from admission.bootstrap import MIGRATIONS as ADMISSION
from discharge.adapters.tables import timelines
from discharge.bootstrap import MIGRATIONS as DISCHARGE
from planning.adapters.tables import stays as planning_stays
from planning.bootstrap import MIGRATIONS as PLANNING
from svu_shared.migrations import alembic_config
from tests.support.ids import unique_hex

# service: its migrations, the revision before the lists, its table, a row with joined text there.
CASES = {
    "admission": (
        ADMISSION,
        "0005",
        admission_stays,
        "INSERT INTO stays (stay_id, patient_id, municipality, care_unit, care_type, admitted_at, notice_sent_at, "
        "notice_deadline, wards) VALUES ('S1', '191212121212', '1280', 'W2', 'somatic', "
        "'2025-03-01 10:00:00', '2025-03-01 12:00:00', '2025-03-02 10:00:00', 'W1,W2')",
    ),
    "discharge": (
        DISCHARGE,
        "0004",
        timelines,
        "INSERT INTO timelines (stay_id, status, wards) VALUES ('S1', 'admitted', 'W1,W2')",
    ),
    "planning": (
        PLANNING,
        "0005",
        planning_stays,
        "INSERT INTO stays (stay_id, patient_id, municipality, care_unit, notice_care_unit, admitted_at, "
        "notice_sent_at, status, wards, protected_identity, former_municipalities) VALUES ('S1', '191212121212', "
        "'1280', 'W2', 'W1', '2025-03-01 10:00:00', '2025-03-01 12:00:00', 'admitted', 'W1,W2', false, '1281')",
    ),
}


async def _execute(url: str, statement: sa.Executable | str) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(sa.text(statement) if isinstance(statement, str) else statement)
            return [tuple(row) for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", sorted(CASES))
async def test_joined_unit_text_becomes_a_list_and_back(database, service):
    migrations, before, table, row = CASES[service]
    url = database.fresh(f"svu_it_lists_{service}_{unique_hex()[:6]}")
    config = alembic_config(Path(migrations), url)
    await asyncio.to_thread(command.upgrade, config, before)
    await _execute(url, row)
    await asyncio.to_thread(command.upgrade, config, "head")

    columns = [table.c.wards, *([table.c.former_municipalities] if "former_municipalities" in table.c else [])]
    expected = (("W1", "W2"), *((("1281",),) if len(columns) == 2 else ()))
    assert await _execute(url, sa.select(*columns)) == [expected]
    # A new list round-trips as the values it was, a comma in none of them.
    await _execute(url, sa.update(table).values(wards=("W3",)))
    assert (await _execute(url, sa.select(table.c.wards)))[0] == (("W3",),)

    await asyncio.to_thread(command.downgrade, config, before)
    assert await _execute(url, "SELECT wards FROM " + table.name) == [("W3",)]
    await asyncio.to_thread(command.upgrade, config, "head")
    assert await _execute(url, sa.select(table.c.wards)) == [(("W3",),)]


# ADR 0025: discharge's current ward (revision 0007) is the last of a stay's wards, kept in the order the wards had it.
async def test_discharge_learns_the_current_ward_of_existing_stays_from_the_last_of_their_wards(database):
    url = database.fresh(f"svu_it_lists_current_ward_{unique_hex()[:6]}")
    config = alembic_config(Path(DISCHARGE), url)
    await asyncio.to_thread(command.upgrade, config, "0006")
    lists = ("'{W1,W2}'", "'{}'") if database.kind == "postgresql" else ('\'["W1", "W2"]\'', "'[]'")
    await _execute(url, f"INSERT INTO timelines (stay_id, status, wards) VALUES ('S1', 'admitted', {lists[0]})")
    await _execute(url, f"INSERT INTO timelines (stay_id, status, wards) VALUES ('S2', 'admitted', {lists[1]})")
    await asyncio.to_thread(command.upgrade, config, "head")
    found = await _execute(url, "SELECT stay_id, care_unit FROM timelines ORDER BY stay_id")
    assert found == [("S1", "W2"), ("S2", None)]
    await asyncio.to_thread(command.downgrade, config, "0006")
    await asyncio.to_thread(command.upgrade, config, "head")
