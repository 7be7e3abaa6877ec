"""ADR 0026: no migration's downgrade drops the audit log (Patientdatalagen 4 kap. 3 §). Downgraded to nothing and
upgraded again, each service's database still has every audit row, and its guard still refuses a change."""

import ast
import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from admission.bootstrap import MIGRATIONS as ADMISSION
from billing.bootstrap import MIGRATIONS as BILLING
from discharge.bootstrap import MIGRATIONS as DISCHARGE
from planning.bootstrap import MIGRATIONS as PLANNING
from svu_shared.migrations import alembic_config
from tests.support.ids import unique_hex

MIGRATIONS = {"admission": ADMISSION, "planning": PLANNING, "discharge": DISCHARGE, "billing": BILLING}
ROW = (
    "INSERT INTO audit_log (at, subject, role, org, method, endpoint, stay_id, status) "
    "VALUES ('2025-03-01 10:00:00', 'u', 'ward', 'W', 'GET', '/stays/{stay_id}', 'S1', 200)"
)


def test_no_downgrade_names_the_audit_log():
    for service, directory in MIGRATIONS.items():
        for path in sorted(Path(directory, "versions").glob("*.py")):
            tree = ast.parse(path.read_text())
            for function in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "downgrade"):
                body = ast.unparse(function)
                assert "audit_log" not in body.replace("keep_audit_log", ""), f"{service}: {path.name}"


async def _execute(url: str, statement: str) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(sa.text(statement))
            return [tuple(row) for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", sorted(MIGRATIONS))
async def test_downgrading_to_nothing_keeps_the_audit_log_and_its_guard(database, service):
    url = database.fresh(f"svu_it_audit_kept_{service}_{unique_hex()[:6]}")
    config = alembic_config(Path(MIGRATIONS[service]), url)
    await asyncio.to_thread(command.upgrade, config, "head")
    await _execute(url, ROW)
    await asyncio.to_thread(command.downgrade, config, "base")
    assert await _execute(url, "SELECT stay_id FROM audit_log") == [("S1",)]
    await asyncio.to_thread(command.upgrade, config, "head")
    assert await _execute(url, "SELECT stay_id FROM audit_log") == [("S1",)]
    with pytest.raises(Exception, match="append-only"):
        await _execute(url, "DELETE FROM audit_log")
