"""ADR 0022: a municipality reads its own residents' events from planning's feed, never another's."""

from datetime import datetime

from sqlalchemy import select

from svu_shared.contracts import DischargeReadyNotified
from svu_shared.contracts.admission import ProcessInterrupted
from tests.support.auth import municipality, primary_care, ward
from tests.support.notices import notice_event

READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")


async def _feed(planning, kommunkod: str, after: int = 0) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = await planning.http.get("/feed", params={"after": after}, headers=municipality(kommunkod))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_each_municipality_reads_only_its_own_residents_events_in_order(planning):
    await planning.feed(DischargeReadyNotified(stay_id="LUND1", judged_at=READY, sent_at=READY))  # parked first
    lund = await planning.feed(notice_event("LUND1", municipality="1281"))
    await planning.feed(notice_event("MALMO1", municipality="1280"))

    page = await _feed(planning, "1281")
    assert [(e["event"]["subject"], e["event"]["type"].split(".")[-2]) for e in page["items"]] == [
        ("LUND1", "notice_sent"),
        ("LUND1", "case_opened"),  # the municipality's case
        ("LUND1", "case_opened"),  # the vårdcentral's
        ("LUND1", "ready_notified"),  # parked until the notice came, then applied
    ]
    assert page["items"][0]["event"]["id"] == lund.id
    assert page["items"][0]["event"]["data"]["patient_id"] == "191212121212"
    assert "MALMO1" not in str(await _feed(planning, "1281"))
    assert {e["event"]["subject"] for e in (await _feed(planning, "1280"))["items"]} == {"MALMO1"}
    # Polling on from the last position gives only what came since.
    assert (await _feed(planning, "1281", page["last_position"])) == {
        "items": [],
        "last_position": page["last_position"],
    }


async def test_a_move_tells_the_former_municipality_and_the_new_one_follows(planning):
    await planning.feed(notice_event("MOVE1", municipality="1280"))
    moved = await planning.feed(
        ProcessInterrupted(
            stay_id="MOVE1", reason="moved_municipality", note="flyttat", new_municipality="1281", interrupted_at=READY
        )
    )
    assert moved.id in {e["event"]["id"] for e in (await _feed(planning, "1280"))["items"]}
    assert moved.id in {e["event"]["id"] for e in (await _feed(planning, "1281"))["items"]}


async def test_only_a_municipality_reads_a_feed_and_each_read_is_audited(planning):
    await planning.feed(notice_event("AUD1", municipality="1280"))
    for other in (ward(), primary_care("VC1")):
        assert (await planning.http.get("/feed", headers=other)).status_code == 403
    assert (await planning.http.get("/feed")).status_code == 401
    assert (await planning.http.get("/feed", params={"after": -1}, headers=municipality("1280"))).status_code == 422
    await _feed(planning, "1280")
    audit = planning.runtime.messaging.audit_log
    async with planning.runtime.sessions() as s:
        rows = (await s.execute(select(audit.c.org, audit.c.stay_id).where(audit.c.endpoint == "/feed"))).all()
    assert ("1280", "AUD1") in rows
