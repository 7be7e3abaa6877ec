"""Writes held for the end of a partition batch (ADR 0020): the rows a batch's handlers insert are kept in the
session and written when the batch has been applied, with one multi-row statement per table instead of one round
trip per row. All of it is still in the batch's one transaction (ADR 0005): a failure anywhere rolls back the lot.

A service's batching hook (`Inbox(batching=...)`) puts a `BatchWrites` in the session for the batch; the writers that
know it (the outbox's `add_to_outbox`, a service's own adapters) add their rows to it instead of executing an INSERT.
Without a hook (a single event, the per-event fallback, a request) every writer executes its statement at once, as
before. Rows of one table are written in the order they were added, so the outbox's ids keep the batch's order.
"""

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, insert, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

BATCH_KEY = "svu.batch"
# PostgreSQL's wire protocol takes at most 32,767 parameters in one statement; SQLite's default limit is 32,766.
MAX_PARAMETERS = 30_000


class BatchWrites:
    """Rows to insert at the end of the batch, per table, in the order they came."""

    def __init__(self) -> None:
        self._inserts: dict[Table, list[dict[str, Any]]] = {}

    def insert(self, table: Table, row: dict[str, Any]) -> None:
        self._inserts.setdefault(table, []).append(row)

    async def flush(self, session: AsyncSession) -> None:
        for table, rows in self._inserts.items():
            await insert_rows(session, table, rows)
        self._inserts.clear()


async def insert_rows(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs of `rows` (all with the same keys), each within the drivers' parameter limit. A column
    that is NULL in every row and has no default is left out: it is NULL all the same, and each value costs a
    bind step (a new stay has most of its columns empty)."""
    if not rows:
        return
    empty = [name for name in rows[0] if _null_by_default(table.c[name]) and all(row[name] is None for row in rows)]
    if empty:
        kept = [name for name in rows[0] if name not in empty]
        rows = [{name: row[name] for name in kept} for row in rows]
    if session.get_bind().dialect.name == "postgresql" and await _copy(session, table, rows):
        return
    per_statement = max(1, MAX_PARAMETERS // max(1, len(rows[0])))
    for start in range(0, len(rows), per_statement):
        await session.execute(insert(table), rows[start : start + per_statement])


async def _copy(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> bool:
    """PostgreSQL's COPY of the rows, in the session's transaction: the cheapest way in for many rows, for the
    server and for us (asyncpg encodes the records; no statement per row). Each value first goes through its
    column type's bind step, as an INSERT's would. False when the transaction has not begun on the driver's
    connection yet (nothing ran in it): then the caller INSERTs, which begins it."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    if not getattr(raw.dbapi_connection, "_started", False):
        return False
    names = list(rows[0])
    dialect = connection.dialect
    steps = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    records = [
        tuple(row[name] if step is None else step(row[name]) for name, step in zip(names, steps, strict=True))
        for row in rows
    ]
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=names)
    return True


async def update_rows(session: AsyncSession, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """Each row's every column written to the row of its `key` (all rows with the same keys): one UPDATE statement
    whose values are parameters, run once per row (an executemany for several), so SQLAlchemy builds and caches
    the statement once rather than a statement with every value in it per call."""
    if rows:
        await session.execute(_update_statement(table, key, tuple(rows[0])), [_prefixed(row) for row in rows])


def _prefixed(row: dict[str, Any]) -> dict[str, Any]:
    return {f"b_{name}": value for name, value in row.items()}


@cache
def _update_statement(table: Table, key: str, names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    # Parameters are named b_<column>: SQLAlchemy reserves a column's own name for the SET clause.
    columns = {name: bindparam(f"b_{name}", type_=table.c[name].type) for name in names if name != key}
    return update(table).where(table.c[key] == bindparam(f"b_{key}")).values(columns)


def batch_writes(session: AsyncSession) -> BatchWrites | None:
    """The batch's held writes, when `session` applies a partition batch; None otherwise."""
    found = session.info.get(BATCH_KEY)
    return found if isinstance(found, BatchWrites) else None


def _null_by_default(column: Any) -> bool:
    return bool(column.nullable) and column.default is None and column.server_default is None


def one_of(session: AsyncSession, column: Any, values: list[Any]) -> ColumnElement[bool]:
    """`column IN values` for a batch's many values: on PostgreSQL `= ANY(array)`, one statement text whatever the
    number of values (parsed once per connection); elsewhere an IN list."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]
