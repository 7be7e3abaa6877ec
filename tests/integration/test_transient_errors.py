"""Which database errors the consumer retries (ADR 0012), decided on errors a real PostgreSQL raises through
asyncpg and SQLAlchemy: by SQLSTATE class and by the driver's connection state."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from svu_shared.db import is_transient, make_engine, sqlstate


async def raised(database_url: str, sql: str) -> DBAPIError:
    """The error `sql` raises, as the services see it (SQLAlchemy's wrapper around asyncpg's exception)."""
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as caught:
                await connection.execute(text(sql))
        return caught.value
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("code", "transient"),
    [
        ("08006", True),  # class 08 connection exception: connection failure
        ("53300", True),  # class 53 insufficient resources: too many connections
        ("57P01", True),  # class 57 operator intervention: admin shutdown (a restart)
        ("57P03", True),  # cannot connect now (starting up, shutting down)
        ("40001", True),  # serialization failure
        ("40P01", True),  # deadlock detected
        ("23505", False),  # unique violation: the same every time
        ("22001", False),  # string data right truncation: a value too long for its column
        ("22021", False),  # character not in repertoire (a NUL byte)
        ("42P01", False),  # undefined table
        ("40002", False),  # integrity constraint violation at commit: class 40, but not a retryable one
    ],
)
async def test_sqlstate_decides(database_url, code, transient):
    error = await raised(database_url, f"DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '{code}'; END $$")
    assert sqlstate(error) == code
    assert is_transient(error) is transient


async def test_a_value_too_long_for_its_column_is_not_transient(database_url):
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE TEMP TABLE cases (case_id varchar(100))"))
            with pytest.raises(DBAPIError) as caught:
                await connection.execute(text("INSERT INTO cases VALUES (repeat('x', 142))"))
        assert (sqlstate(caught.value), is_transient(caught.value)) == ("22001", False)
    finally:
        await engine.dispose()


async def test_a_connection_killed_under_the_driver_is_transient(database_url):
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as caught:
                await connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        assert is_transient(caught.value)
    finally:
        await engine.dispose()


async def test_a_pooled_connection_the_server_closed_is_replaced_at_checkout(database_url):
    """In place of pool_pre_ping's round trip per checkout (ADR 0020): the pool's one connection is terminated by
    the server while idle, and the next request gets a new one instead of an error (ADR 0006)."""
    engine, admin = make_engine(database_url, pool_size=1, max_overflow=0), make_engine(database_url)
    try:
        async with engine.connect() as connection:
            first = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            pooled = (await connection.get_raw_connection()).driver_connection
        async with admin.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        deadline = asyncio.get_running_loop().time() + 10
        while not pooled.is_closed():  # the event loop reads the server's goodbye
            assert asyncio.get_running_loop().time() < deadline, "the server did not close the connection"
            await asyncio.sleep(0.01)
        async with engine.connect() as connection:
            second = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert second != first
    finally:
        await engine.dispose()
        await admin.dispose()
