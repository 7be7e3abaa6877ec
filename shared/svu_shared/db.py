"""Async engine and sessions; the same code serves PostgreSQL (tests, production) and SQLite (`make run`)."""

from datetime import UTC
from pathlib import Path

from asyncpg.exceptions import OperatorInterventionError, PostgresConnectionError
from sqlalchemy import JSON, DateTime, String, Table, TypeDecorator, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from svu_shared.identifiers import UNIT_ID_MAX_LENGTH

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

# SQLSTATE classes and codes that say "try again, the statement was fine" (PostgreSQL manual, appendix A):
# 08 connection exception, 53 insufficient resources (53300 too many connections), 57 operator intervention
# (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), 40001 serialization failure,
# 40P01 deadlock detected. Everything else (23 integrity, 22 data, 42 syntax or a missing table, ...) is the
# same on every attempt. ADR 0012.
TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite (`make run`) has no SQLSTATE: a busy or locked database is its only transient state.
TRANSIENT_SQLITE_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE behind `exc`, through SQLAlchemy's wrapper and the driver adapter's chain."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            return None
        code = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if isinstance(code, str) and code:
            return code
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def is_transient(exc: BaseException) -> bool:
    """True when retrying the same work later can succeed: the database (or the path to it) was away or busy.

    Decided by the driver's connection state (SQLAlchemy marks a DBAPIError `connection_invalidated` when the
    connection died under it) and by SQLSTATE; a socket error or time-out before any SQLSTATE is transient too.
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    code = sqlstate(exc)
    if code is not None:
        return code[:2] in TRANSIENT_SQLSTATE_CLASSES or code in TRANSIENT_SQLSTATES
    if isinstance(exc, (OSError, TimeoutError)):
        return True
    if isinstance(exc, DBAPIError):
        message = str(exc.orig).lower()
        return any(m in message for m in TRANSIENT_SQLITE_MESSAGES) or isinstance(exc.orig, (OSError, TimeoutError))
    return False


def make_engine(database_url: str, pool_size: int = 20, max_overflow: int = 10) -> AsyncEngine:
    """The service's engine. On PostgreSQL a pool of `pool_size` connections kept open, and `max_overflow` more
    opened for a burst and closed after it: a pool smaller than the requests in flight opens and closes a
    connection (a server process) per request (ADR 0020)."""
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
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow, hide_parameters=True)
    event.listen(engine.sync_engine, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
    """A pooled connection the server has closed (a restart, a failover, an administrator's terminate) is replaced
    at checkout, as `pool_pre_ping` did, without its `SELECT 1` round trip on every checkout (ADR 0020): asyncpg
    knows without asking, once the event loop has read the server's goodbye. A connection that breaks unnoticed
    fails its statement, which answers 503 (ADR 0006) and makes SQLAlchemy drop the pool's older connections."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def insert_or_merge(session: AsyncSession, table: Table):  # type: ignore[no-untyped-def]
    """An INSERT of the session's dialect, which has `on_conflict_do_nothing` / `on_conflict_do_update` (PostgreSQL
    and SQLite both support ON CONFLICT, with the same SQLAlchemy API in their own dialect modules)."""
    dialect_insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table)


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
        return value if value.tzinfo is UTC else value.astimezone(UTC)

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UnitIds(TypeDecorator):
    """A tuple of ids (the wards a stay has been on, a stay's former municipalities), stored as a list: an array of
    varchar(64) on PostgreSQL, a JSON array on SQLite. Never a joined string, whose separator a value could carry
    (ADR 0027). One column type, so no service builds the list by hand."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):  # type: ignore[no-untyped-def]
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String(UNIT_ID_MAX_LENGTH)))
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        return list(value or ())

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        return tuple(value or ())
