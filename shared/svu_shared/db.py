"""Async engine and sessions; the same code serves PostgreSQL (tests, production) and SQLite (`make run`)."""

from datetime import UTC
from pathlib import Path

from asyncpg.exceptions import OperatorInterventionError, PostgresConnectionError
from sqlalchemy import DateTime, Text, TypeDecorator, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

# What "the database is away" looks like (a restart, a failover): SQLAlchemy's wrapped DBAPI errors, socket
# errors, timeouts, and the asyncpg errors a connection attempt raises unwrapped while the server shuts down
# or starts ("the database system is shutting down", 57P03). Requests answer 503; consumers wait and retry.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    DBAPIError,
    OSError,
    TimeoutError,
    OperatorInterventionError,
    PostgresConnectionError,
)


def make_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # WAL lets the relay read while a request writes; SQLite is the `make run` default only.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # hide_parameters: a database error's message never carries a row's values (a personnummer) into a log.
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True)


def make_sessions(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


class AwareDateTime(TypeDecorator):
    """Stores UTC, returns aware UTC datetimes on PostgreSQL and SQLite alike (SQLite drops offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every time in SVU is timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UnitIds(TypeDecorator):
    """A tuple of HSA-ids (the wards a stay has been on), kept as comma-separated text: an HSA-id has no comma,
    and the services only ever read the whole list. One column type, so no service splits and joins by hand."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        return ",".join(value or ())

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        return tuple(filter(None, (value or "").split(",")))
