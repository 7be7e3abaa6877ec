"""Two replicas of a service starting at once both run its migrations: the second waits for the first."""

import asyncio
import subprocess
import sys

import asyncpg

from deploy.local_system import ROOT
from svu_shared.migrations import MIGRATION_LOCK
from tests.support.realparts import eventually

UPGRADE = "import sys; from planning.bootstrap import MIGRATIONS; from svu_shared.migrations import upgrade_to_head; "
UPGRADE += "upgrade_to_head(MIGRATIONS, sys.argv[1])"


async def test_a_replica_migrating_waits_while_another_holds_the_migration_lock(postgres):
    url = postgres.fresh_database("svu_t_migrate_lock")
    holder = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)  # as the first replica would
        replica = subprocess.Popen(  # noqa: ASYNC220 - a replica is a process of its own; we only poll it
            [sys.executable, "-c", UPGRADE, url], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )

        async def waiting() -> bool:
            assert replica.poll() is None, f"the replica migrated without waiting: {replica.stderr.read()}"  # type: ignore[union-attr]
            query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            return await holder.fetchval(query) == 1

        await eventually(waiting, what="the replica to wait for the migration lock")
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        _out, err = await asyncio.to_thread(replica.communicate, timeout=120)
        assert replica.returncode == 0, err
        assert await holder.fetchval("SELECT count(*) FROM alembic_version") == 1
    finally:
        await holder.close()
