"""The audit log (ADR 0011, Patientdatalagen 4 kap. 3 §): every authenticated request records who (subject,
role, organisation), what (stay ids, endpoint), when and the outcome, in an append-only table of the service's
own database. The database refuses UPDATE and DELETE on it (a trigger), and the role the service runs as may only
add and read rows (ADR 0026), so not even a bug can rewrite it.

Which stays a request touched: the `stay_id` or `case_id` in its path, or the ids a route names in
`request.state.audit_stays` (a list or a new notice). One row per stay; a request about no stay has one row.
"""

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert, inspect, select

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
    """Called from a service's migration with alembic's `op`: the table, its append-only trigger, and on PostgreSQL
    no role but its owner may change it. A table kept by an earlier downgrade is kept as it is (no downgrade drops
    the audit log: Patientdatalagen 4 kap. 3 §, ADR 0026)."""
    bind = op.get_bind()
    if inspect(bind).has_table("audit_log"):
        return
    audit_table(MetaData()).create(bind)
    for statement in APPEND_ONLY[bind.dialect.name]:
        op.execute(statement)
    if bind.dialect.name == "postgresql":
        op.execute(RESTRICT_GRANTS)


def keep_audit_log(op) -> None:  # type: ignore[no-untyped-def]
    """The downgrade of the migration that created the audit log: it stays, rows, trigger and grants (ADR 0026).
    A record of who read a patient's data outlives any version of the schema around it."""


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
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(runtime.messaging.audit_log), rows)


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
