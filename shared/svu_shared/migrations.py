"""Alembic, the same way for every service: `run_env` is each service's env.py, `upgrade_to_head` runs it."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATION_LOCK = 0x5356552D4D4947  # "SVU-MIG": one advisory lock key for every service's migrations


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(migrations_dir: Path, database_url: str) -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


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
