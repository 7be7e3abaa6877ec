"""Alembic, the same way for every service: `run_env` is each service's env.py, `upgrade_to_head` runs it."""

import asyncio
import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from svu_shared.identifiers import UNIT_ID_MAX_LENGTH

MIGRATION_LOCK = 0x5356552D4D4947  # "SVU-MIG": one advisory lock key for every service's migrations


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(migrations_dir: Path, database_url: str) -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


class NotMigrated(RuntimeError):
    """The database is not at the service's head revision, and the service does not migrate at start."""


async def require_head(migrations_dir: Path, engine: AsyncEngine, service: str) -> None:
    """A service that does not migrate at start refuses to run on a schema it was not written for (ADR 0026)."""
    heads = set(ScriptDirectory.from_config(alembic_config(migrations_dir, "")).get_heads())
    async with engine.connect() as connection:
        current = set(await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads()))
    if current != heads:
        raise NotMigrated(
            f"{service}: the database is at {sorted(current) or 'no revision'}, the code needs {sorted(heads)}: "
            f"run `python -m {service} migrate` as the database's owner role first"
        )


def run_env(target_metadata: MetaData, default_url: str) -> None:
    """Body of a service's migrations/env.py (async engines, PostgreSQL and SQLite alike)."""
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url") or default_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection) -> None:  # type: ignore[no-untyped-def]
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two replicas starting at once would both create alembic_version: the second waits here
                # until the first has committed, then finds the database at head. (DDL is transactional
                # in PostgreSQL, so the lock held to the end of the transaction covers the whole upgrade.)
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run())


def joined_text_to_list(op, table: str, *columns: str) -> None:  # type: ignore[no-untyped-def]
    """Columns of comma-joined ids become lists (`svu_shared.db.UnitIds`), split where their old reader split them
    (ADR 0027). PostgreSQL: an array of varchar(64); SQLite: a JSON array in the same TEXT column."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for column in columns:
        if postgresql:
            as_list = f"array_remove(string_to_array({column}, ','), '')::varchar({UNIT_ID_MAX_LENGTH})[]"
            _retype(op, table, column, f"varchar({UNIT_ID_MAX_LENGTH})[]", as_list, "'{}'")
        else:
            _rewrite(op, table, column, lambda text: json.dumps([part for part in (text or "").split(",") if part]))


def list_to_joined_text(op, table: str, *columns: str) -> None:  # type: ignore[no-untyped-def]
    """The downgrade of `joined_text_to_list`."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for column in columns:
        if postgresql:
            _retype(op, table, column, "text", f"array_to_string({column}, ',')", "''")
        else:
            _rewrite(op, table, column, lambda text: ",".join(json.loads(text or "[]")))


def _retype(op, table: str, column: str, new_type: str, using: str, default: str) -> None:  # type: ignore[no-untyped-def]
    op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
    op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {new_type} USING {using}")
    op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}")


def _rewrite(op, table: str, column: str, convert) -> None:  # type: ignore[no-untyped-def]
    bind = op.get_bind()
    for rowid, value in bind.execute(text(f"SELECT rowid, {column} FROM {table}")).all():
        bind.execute(
            text(f"UPDATE {table} SET {column} = :value WHERE rowid = :rowid"),
            {"value": convert(value), "rowid": rowid},
        )
