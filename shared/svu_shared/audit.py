"""The audit log (ADR 0011, ADR 0024, Patientdatalagen 4 kap. 3 §): every request to a service's API records who
(subject, role, organisation), what (the stays, the endpoint), when, the outcome and the trace id, in an
append-only table of the service's own database. The database refuses UPDATE and DELETE on it (a trigger), and the
role the service runs as may only add and read rows (ADR 0026), so not even a bug can rewrite it.

- A write's row is committed in the write's own transaction (`ServiceRuntime.transaction` calls `record_in`): a
  change without its row cannot be committed.
- Every other request, refused ones included (401, 403, 404, 413, 422), gets its row after the answer
  (`record_access`); a request without a valid token is recorded as `anonymous`. Those rows of concurrent
  requests are written together, one transaction for all that wait (a group commit, `AuditWriter`, ADR 0020).
- Which stays a request touched: the ids a route names (`note_stays`, or `request.state.audit_stays`: a list, a
  new notice, a loaded case), else the `stay_id` in its path. A list is one row naming all its stays.
"""

import asyncio
import contextlib
import secrets
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from opentelemetry import trace
from pydantic import BaseModel
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, insert, inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
ANONYMOUS = Principal(subject="anonymous", role="none", org="-")  # type: ignore[arg-type]


def _later_columns() -> list[Column]:
    """Added by each service's migration after the table's first version (`add_trace_and_stay_list`)."""
    return [
        Column("trace_id", String(32), nullable=True),  # W3C trace id: the row leads to the request's trace
        Column("stay_ids", Text, nullable=True),  # a list's stays, " S1 S2 … " (ids hold no space)
    ]


def audit_table(metadata: MetaData, *, first_version: bool = False) -> Table:
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
        *([] if first_version else _later_columns()),
    )


# Least privilege (ADR 0026): the roles that are not the table's owner may add and read rows, nothing else, whatever
# default privileges gave them when the owner created the table (ALTER, DROP and trigger changes are the owner's).
RESTRICT_GRANTS = """
DO $$
DECLARE grantee text;
BEGIN
  FOR grantee IN
    SELECT DISTINCT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) acl LEFT JOIN pg_roles r ON r.oid = acl.grantee
    WHERE c.oid = 'audit_log'::regclass AND acl.grantee <> c.relowner AND acl.privilege_type NOT IN ('INSERT', 'SELECT')
  LOOP
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM ' || grantee;
  END LOOP;
END $$
"""


def create_audit_log(op) -> None:  # type: ignore[no-untyped-def]
    """Called from a service's migration with alembic's `op`: the table (as first made), its append-only trigger,
    and on PostgreSQL no role but its owner may change it. A table kept by an earlier downgrade is kept as it is (no
    downgrade drops the audit log: Patientdatalagen 4 kap. 3 §, ADR 0026)."""
    bind = op.get_bind()
    if inspect(bind).has_table("audit_log"):
        return
    audit_table(MetaData(), first_version=True).create(bind)
    for statement in APPEND_ONLY[bind.dialect.name]:
        op.execute(statement)
    if bind.dialect.name == "postgresql":
        op.execute(RESTRICT_GRANTS)


def keep_audit_log(op) -> None:  # type: ignore[no-untyped-def]
    """The downgrade of the migration that created the audit log: it stays, rows, trigger and grants (ADR 0026).
    A record of who read a patient's data outlives any version of the schema around it."""


def add_trace_and_stay_list(op) -> None:  # type: ignore[no-untyped-def]
    """The trace id and a list's stays (ADR 0024, 0025). Plain ADD COLUMN: SQLite's batch mode would copy the
    table and lose its triggers."""
    for column in _later_columns():
        op.add_column("audit_log", column)


def drop_trace_and_stay_list(op) -> None:  # type: ignore[no-untyped-def]
    for column in reversed(_later_columns()):
        op.drop_column("audit_log", column.name)


@dataclass
class Access:
    """The request being answered, as the audit log sees it."""

    request: Request
    recorded_status: int | None = None  # the status in the row committed with a write


_access: ContextVar[Access | None] = ContextVar("svu_audit_access", default=None)


@contextlib.contextmanager
def auditing(request: Request) -> Iterator[Access]:
    """Around one request (the audit middleware): what the route and its transactions record."""
    access = Access(request)
    token = _access.set(access)
    try:
        yield access
    finally:
        _access.reset(token)


def note_stays(stay_ids: Iterable[str]) -> None:
    """The stays the current request touched, named where they are known (a list, a loaded case)."""
    if (access := _access.get()) is not None:
        access.request.state.audit_stays = list(stay_ids)


def answered_with(response: Response, status: int) -> None:
    """A write that answers other than its route's declared status (200 for a repeat) sets it here, inside its
    transaction, so the audit row committed with the write says what was answered."""
    response.status_code = status
    if (access := _access.get()) is not None:
        access.request.state.audit_status = status


def stays_of(request: Request) -> list[str]:
    named = getattr(request.state, "audit_stays", None)
    if named is not None:
        return list(dict.fromkeys(named))
    stay_id = request.scope.get("path_params", {}).get("stay_id")
    return [stay_id] if stay_id else []


def trace_id_of(request: Request) -> str:
    """The request's W3C trace id: the current span's; else the caller's traceparent's; else one made for it (so
    even with telemetry off, every row of a request shares one id)."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        return format(context.trace_id, "032x")
    if (known := getattr(request.state, "audit_trace_id", None)) is not None:
        return str(known)
    parts = request.headers.get("traceparent", "").split("-")
    made = parts[1] if len(parts) == 4 and len(parts[1]) == 32 and parts[1].strip("0") else secrets.token_hex(16)
    request.state.audit_trace_id = made.lower()
    return str(request.state.audit_trace_id)


def access_row(request: Request, principal: Principal | None, status: int) -> dict:
    route = request.scope.get("route")
    stays = stays_of(request)
    who = principal or ANONYMOUS
    return dict(
        at=datetime.now(UTC),
        subject=who.subject[:200],
        role=who.role,
        org=who.org,
        method=request.method,
        endpoint=getattr(route, "path", request.url.path)[:200],
        stay_id=stays[0] if len(stays) == 1 else None,
        stay_ids=f" {' '.join(stays)} " if len(stays) > 1 else None,
        status=status,
        trace_id=trace_id_of(request),
    )


async def record_in(session: AsyncSession, table: Table) -> None:
    """Inside a write's transaction: the current request's row, committed with the write (or not at all)."""
    access = _access.get()
    if access is None or access.recorded_status is not None:
        return
    request = access.request
    route = request.scope.get("route")
    status = getattr(request.state, "audit_status", None) or getattr(route, "status_code", None) or 200
    await session.execute(insert(table), [access_row(request, getattr(request.state, "principal", None), status)])
    request.state.audit_pending_status = status


def mark_recorded() -> None:
    """After a write's commit: its row is in; the middleware adds one only if the answer turns out otherwise."""
    if (access := _access.get()) is not None and access.recorded_status is None:
        access.recorded_status = getattr(access.request.state, "audit_pending_status", None)


async def record_access(runtime, request: Request, principal: Principal | None, status: int) -> None:  # type: ignore[no-untyped-def]
    """After the answer, for a request whose row no write committed: its own transaction (shared with the
    requests answered at the same moment), without waking the outbox relay."""
    await runtime.audit.write([access_row(request, principal, status)])


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
    stay_ids: list[str] = []
    status: int
    trace_id: str | None


audit_router = APIRouter(tags=["audit"])


@audit_router.get("/audit", response_model=list[AuditEntry], summary="Who accessed a stay's data in this service")
async def audit_of_stay(
    request: Request,
    stay_id: str = Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$"),
    limit: int = Query(1000, ge=1, le=10000),
) -> list[AuditEntry]:
    """For admin, who reviews the log (ADR 0024); not finance, whose work needs no one's record of care."""
    require_role(principal_of(request), "admin")
    runtime = request.app.state.runtime
    table = runtime.messaging.audit_log
    mentions = or_(table.c.stay_id == stay_id, table.c.stay_ids.contains(f" {stay_id} ", autoescape=True))
    query = select(table).where(mentions).order_by(table.c.id).limit(limit)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).mappings()
        return [AuditEntry(**{**row, "stay_ids": (row["stay_ids"] or "").split()}) for row in rows]
