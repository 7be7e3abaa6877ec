"""ADR 0026, on PostgreSQL: each service's database has an owner role that migrates (a separate step) and a runtime
role that reads and writes rows. The runtime role cannot change the audit log nor its guard, and cannot connect to
another service's database; the service runs as it, and refuses to start on a schema that is not at head."""

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest

from admission.bootstrap import MIGRATIONS as ADMISSION
from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from deploy.local_system import ROOT
from planning.bootstrap import MIGRATIONS as PLANNING
from svu_shared.db import make_engine
from svu_shared.migrations import NotMigrated, require_head, upgrade_to_head
from tests.support.auth import ward
from tests.support.inprocess import in_process
from tests.support.notices import admission_notice

ROLES_SQL = ROOT / "deploy" / "postgres" / "service-roles.sql"


def _with_roles(postgres, service: str, name: str) -> str:  # type: ignore[no-untyped-def]
    """A fresh database for `service`, its roles made by the deploy script; returns the database's name."""
    postgres.fresh_database(name)
    psql = ["psql", "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres", "-d", name, "-q"]
    subprocess.run(
        [*psql, "-v", f"service={service}", "-v", f"db={name}", "-f", str(ROLES_SQL)],
        check=True,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    return name


def _url(postgres, role: str, database: str, driver: str = "postgresql+asyncpg") -> str:  # type: ignore[no-untyped-def]
    return f"{driver}://{role}@127.0.0.1:{postgres.port}/{database}"


@pytest.fixture(scope="module")
def databases(postgres):  # type: ignore[no-untyped-def]
    """Admission's and planning's databases, migrated by their owner roles through the services' migrate command."""
    found = {}
    for service in ("admission", "planning"):
        database = _with_roles(postgres, service, f"svu_roles_{service}")
        prefix = service.upper()
        migrate = subprocess.run(
            [sys.executable, "-m", service, "migrate"],
            cwd=ROOT,
            env={**os.environ, f"{prefix}_DATABASE_URL": _url(postgres, f"{service}_owner", database)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
        found[service] = database
    return found


async def _as(postgres, role: str, database: str) -> asyncpg.Connection:  # type: ignore[no-untyped-def]
    return await asyncpg.connect(_url(postgres, role, database, driver="postgresql"), timeout=10)


@pytest.mark.parametrize(("role", "database"), [("planning_app", "admission"), ("admission_app", "planning")])
async def test_a_runtime_role_cannot_connect_to_another_services_database(postgres, databases, role, database):
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
        await _as(postgres, role, databases[database])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET status = 200",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log ADD COLUMN note text",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP TABLE audit_log",
        "DROP FUNCTION audit_log_append_only()",
        "CREATE TABLE audit_log_copy (id int)",
        "CREATE TRIGGER t BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ],
)
async def test_the_runtime_role_cannot_change_the_audit_log_or_its_guard(postgres, databases, statement):
    connection = await _as(postgres, "admission_app", databases["admission"])
    try:
        with pytest.raises((asyncpg.InsufficientPrivilegeError, asyncpg.exceptions.RaiseError)) as refused:
            await connection.execute(statement)
        # refused for want of the privilege, not by the trigger: the role could not even try
        assert isinstance(refused.value, asyncpg.InsufficientPrivilegeError), refused.value
    finally:
        await connection.close()


async def test_the_runtime_role_adds_and_reads_audit_rows(postgres, databases):
    connection = await _as(postgres, "admission_app", databases["admission"])
    try:
        await connection.execute(
            "INSERT INTO audit_log (at, subject, role, org, method, endpoint, stay_id, status) "
            "VALUES (now(), 'u', 'ward', 'W', 'GET', '/stays/{stay_id}', 'R1', 200)"
        )
        assert await connection.fetchval("SELECT count(*) FROM audit_log WHERE stay_id = 'R1'") >= 1
    finally:
        await connection.close()


async def test_the_service_runs_as_its_runtime_role(postgres, databases):
    settings = AdmissionSettings(
        database_url=_url(postgres, "admission_app", databases["admission"]), migrate_on_start=False
    )
    async with in_process(admission_app, settings) as admission:
        await require_head(ADMISSION, admission.runtime.engine, "admission")
        posted = await admission.http.post("/admission-notices", headers=ward("W"), json=admission_notice("R2"))
        assert posted.status_code == 201, posted.text
        assert (await admission.http.get("/stays/R2", headers=ward("W"))).status_code == 200
        audit = admission.runtime.messaging.audit_log
        async with admission.runtime.sessions() as session:
            assert (await session.execute(audit.select().where(audit.c.stay_id == "R2"))).all()


async def test_the_runtime_role_cannot_migrate_and_a_service_that_does_not_migrate_refuses_an_old_schema(postgres):
    database = _with_roles(postgres, "planning", "svu_roles_planning_unmigrated")  # no revision yet
    app_url = _url(postgres, "planning_app", database)
    with pytest.raises(Exception, match="permission denied for schema public"):
        await asyncio.to_thread(upgrade_to_head, PLANNING, app_url)
    engine = make_engine(app_url)
    try:
        with pytest.raises(NotMigrated, match="python -m planning migrate"):
            await require_head(PLANNING, engine, "planning")
    finally:
        await engine.dispose()
