"""The audit log (ADR 0011, Patientdatalagen 4 kap. 3 §): every authenticated request records who (subject,
role, organisation), what (stay ids, endpoint), when and the outcome, in an append-only table of the service's
own database. The database refuses UPDATE and DELETE on it (a trigger), so not even a bug can rewrite it.

Concurrent requests' rows are written together, one transaction for all that wait (a group commit, ADR 0020); each
request still answers only once its own row is committed.

Which stays a request touched: the `stay_id` or `case_id` in its path, or the ids a route names in
`request.state.audit_stays` (a list or a new notice). One row per stay; a request about no stay has one row.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from svu_shared.auth import Principal, principal_of, require_role
from svu_shared.db import AwareDateTime

APPEND_ONLY = {
    "postgresql": [
        """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""",
        """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
           FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    ],
    "sqlite": [
        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ],
}


def audit_table(metadata: MetaData) -> Table:
    return Table(
        "audit_log",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("at", AwareDateTime(), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("role", String(20), nullable=False),
        Column("org", String(64), nullable=False),
        Column("method", String(10), nullable=False),
        Column("endpoint", String(200), nullable=False),
        Column("stay_id", String(64), nullable=True, index=True),
        Column("status", Integer, nullable=False),
    )


def create_audit_log(op) -> None:  # type: ignore[no-untyped-def]
    """Called from a service's migration with alembic's `op`: the table and its append-only trigger."""
    bind = op.get_bind()
    audit_table(MetaData()).create(bind)
    for statement in APPEND_ONLY[bind.dialect.name]:
        op.execute(statement)


def drop_audit_log(op) -> None:  # type: ignore[no-untyped-def]
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")


def stays_of(request: Request) -> list[str | None]:
    named = getattr(request.state, "audit_stays", None)
    if named:
        return list(dict.fromkeys(named))
    params = request.scope.get("path_params", {})
    if "stay_id" in params:
        return [params["stay_id"]]
    if "case_id" in params:
        return [params["case_id"].split(":", 1)[0]]  # case ids are <stay>:<receiver kind>:<receiver>
    return [None]


async def record_access(runtime, request: Request, principal: Principal, status: int) -> None:  # type: ignore[no-untyped-def]
    route = request.scope.get("route")
    endpoint = getattr(route, "path", request.url.path)
    now = datetime.now(UTC)
    rows = [
        dict(
            at=now,
            subject=principal.subject[:200],
            role=principal.role,
            org=principal.org,
            method=request.method,
            endpoint=endpoint,
            stay_id=stay_id,
            status=status,
        )
        for stay_id in stays_of(request)
    ]
    # Its own transaction (the request's has ended, whatever its outcome), without waking the outbox relay.
    await runtime.audit.write(rows)


class AuditWriter:
    """Writes the rows of the requests waiting at a moment in one transaction, then wakes each of them (or gives
    each the error); the rows that came meanwhile go in the next. Alone, a request's rows go at once, as before."""

    def __init__(self, sessions: async_sessionmaker, table: Table) -> None:
        self._sessions, self._table = sessions, table
        self._waiting: list[tuple[list[dict[str, Any]], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, rows: list[dict[str, Any]]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((rows, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting(), name="audit writer")
        await done

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self._sessions() as session, session.begin():
                    await session.execute(insert(self._table), [row for rows, _ in batch for row in rows])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)


class AuditEntry(BaseModel):
    at: datetime
    subject: str
    role: str
    org: str
    method: str
    endpoint: str
    stay_id: str | None
    status: int


audit_router = APIRouter(tags=["audit"])


@audit_router.get("/audit", response_model=list[AuditEntry], summary="Who accessed a stay's data in this service")
async def audit_of_stay(
    request: Request,
    stay_id: str = Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$"),
    limit: int = Query(1000, ge=1, le=10000),
) -> list[AuditEntry]:
    """For finance and admin (ADR 0011): every recorded access to the stay, oldest first."""
    require_role(principal_of(request), "finance", "admin")
    runtime = request.app.state.runtime
    table = runtime.messaging.audit_log
    query = select(table).where(table.c.stay_id == stay_id).order_by(table.c.id).limit(limit)
    async with runtime.sessions() as session:
        return [AuditEntry(**row) for row in (await session.execute(query)).mappings()]
