"""ADR 0024, ADR 0025: the audit log misses nothing. A write's row commits with the write (no change without its
row); refused requests are audited too; the stay of a case is the loaded case's; billing's reads name the stays
they return; a list is one row naming its stays; each row carries the request's trace id; only admin reads it."""

import re

from sqlalchemy import select, text

from tests.support.auth import admin, finance, municipality, ward
from tests.support.notices import admission_notice, notice_event

REFUSE_AUDIT_INSERTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit is down'); END"
    ],
    "postgresql": [
        """CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'audit is down'; END $$""",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    ],
}
ALLOW_AUDIT_INSERTS = {
    "sqlite": ["DROP TRIGGER refuse_audit"],
    "postgresql": ["DROP TRIGGER refuse_audit ON audit_log"],
}


async def _execute(service, statements: list[str]) -> None:  # type: ignore[no-untyped-def]
    async with service.runtime.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))


async def _rows(service, **where):  # type: ignore[no-untyped-def]
    table = service.runtime.messaging.audit_log
    query = select(table).order_by(table.c.id)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    async with service.runtime.sessions() as session:
        return [dict(row) for row in (await session.execute(query)).mappings()]


async def test_a_write_whose_audit_row_cannot_be_written_changes_nothing(admission, database):
    await _execute(admission, REFUSE_AUDIT_INSERTS[database.kind])
    refused = await admission.http.post("/admission-notices", json=admission_notice("AU1"), headers=ward())
    assert refused.status_code == 503
    await _execute(admission, ALLOW_AUDIT_INSERTS[database.kind])
    assert (await admission.http.get("/stays/AU1", headers=ward())).status_code == 404
    assert await admission.published("AU1") == []  # no event either: the whole transaction rolled back


async def test_a_writes_row_is_committed_with_it_and_says_what_was_answered(admission):
    first = await admission.http.post("/admission-notices", json=admission_notice("AU2"), headers=ward())
    again = await admission.http.post("/admission-notices", json=admission_notice("AU2"), headers=ward())
    assert (first.status_code, again.status_code) == (201, 200)
    rows = await _rows(admission, stay_id="AU2")
    assert [(r["method"], r["endpoint"], r["status"]) for r in rows] == [
        ("POST", "/admission-notices", 201),
        ("POST", "/admission-notices", 200),
    ]


async def test_refused_requests_are_audited(admission):
    await admission.http.post("/admission-notices", json=admission_notice("AU3"), headers=ward())
    answers = [
        (await admission.http.get("/stays/AU3")).status_code,  # no token
        (await admission.http.get("/stays/AU3", headers={"Authorization": "Bearer forged"})).status_code,
        (await admission.http.post("/stays/AU3/cancellation", json={"reason": "x"}, headers=finance())).status_code,
        (await admission.http.get("/stays/AU3", headers=municipality("1281"))).status_code,
        (await admission.http.get("/no-such-route", headers=ward())).status_code,
        (await admission.http.post("/stays/AU3/transfers", json={"to_care_unit": ""}, headers=ward())).status_code,
        (await admission.http.post("/stays/AU3/cancellation", content=b"x" * 70_000, headers=ward())).status_code,
    ]
    assert answers == [401, 401, 403, 404, 404, 422, 413]
    rows = [r for r in await _rows(admission) if r["status"] >= 400]
    assert [(r["role"], r["endpoint"], r["status"]) for r in rows] == [
        ("none", "/stays/{stay_id}", 401),
        ("none", "/stays/{stay_id}", 401),
        ("finance", "/stays/{stay_id}/cancellation", 403),
        ("municipality", "/stays/{stay_id}", 404),
        ("ward", "/no-such-route", 404),
        ("ward", "/stays/{stay_id}/transfers", 422),
        ("ward", "/stays/AU3/cancellation", 413),  # refused before routing: the path as sent
    ]
    assert rows[0]["subject"] == "anonymous" and rows[2]["stay_id"] == "AU3"


async def test_each_row_carries_the_requests_trace_id(admission):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    traceparent = {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
    await admission.http.post("/admission-notices", json=admission_notice("AU4"), headers={**ward(), **traceparent})
    await admission.http.get("/stays/AU4", headers=municipality())
    posted, read = await _rows(admission, stay_id="AU4")
    assert posted["trace_id"] == trace_id
    assert re.fullmatch(r"[0-9a-f]{32}", read["trace_id"]) and read["trace_id"] != trace_id


async def test_a_list_is_one_row_naming_its_stays_and_only_admin_reads_the_log(admission):
    for stay_id in ("AU5", "AU6"):
        await admission.http.post("/admission-notices", json=admission_notice(stay_id), headers=ward())
    found = await admission.http.post("/stays/search", json={"patient_id": "191212121212"}, headers=ward())
    assert found.json()["total"] == 2
    [row] = await _rows(admission, endpoint="/stays/search")
    assert row["stay_id"] is None and sorted(row["stay_ids"].split()) == ["AU5", "AU6"]
    log = (await admission.http.get("/audit", params={"stay_id": "AU5"}, headers=admin())).json()
    assert [(e["endpoint"], sorted(e["stay_ids"])) for e in log] == [
        ("/admission-notices", []),
        ("/stays/search", ["AU5", "AU6"]),
    ]
    assert (await admission.http.get("/audit", params={"stay_id": "AU5"}, headers=finance())).status_code == 403


async def test_the_stay_behind_a_case_is_the_loaded_cases_not_a_part_of_its_id(planning):
    await planning.feed(notice_event("AU7"))
    mine = await planning.http.get("/cases/AU7:municipality:1280", headers=municipality("1280"))
    assert mine.status_code == 200
    # Another municipality asks for a case id that names a stay: the stay is not taken from the id.
    foreign = await planning.http.get("/cases/AU8:municipality:1280", headers=municipality("1281"))
    assert foreign.status_code == 404
    rows = await _rows(planning, endpoint="/cases/{case_id}")
    assert [(r["org"], r["stay_id"], r["status"]) for r in rows] == [("1280", "AU7", 200), ("1281", None, 404)]
