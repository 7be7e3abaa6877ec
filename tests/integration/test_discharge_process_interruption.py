"""ADR 0015: the discharge service follows the admission service's avbrott i processen, on PostgreSQL and on SQLite:
after death or declined support nothing more is recorded on the stay; after a move the new municipality reads it."""

from datetime import timedelta
from functools import partial

import pytest

from svu_shared.contracts.admission import ProcessInterrupted
from tests.support.auth import municipality, ward
from tests.support.notices import notice_event

W = ward("W")
AT = "2025-03-04T10:15:00+01:00"


# The ward W's notice for Malmö, as the discharge service receives it.
_notice = partial(notice_event, care_unit="W", primary_care_unit=None, sent_after=timedelta(hours=2))


@pytest.mark.parametrize(
    ("reason", "words"), [("died", "the patient died"), ("declined_support", "the patient declined support")]
)
async def test_after_death_or_declined_support_every_record_is_refused_naming_why(discharge, reason, words):
    stay_id = f"X-{reason}"
    await discharge.feed(_notice(stay_id))
    ready = await discharge.http.post(
        f"/stays/{stay_id}/discharge-ready", json={"judged_at": "2025-03-03T08:30:00+01:00"}, headers=W
    )
    assert ready.status_code == 201
    await discharge.feed(ProcessInterrupted(stay_id=stay_id, reason=reason, note="n", interrupted_at=AT))
    timeline = (await discharge.http.get(f"/stays/{stay_id}", headers=municipality())).json()
    assert (timeline["status"], timeline["interruption_reason"], timeline["interrupted_at"]) == (
        "interrupted",
        reason,
        "2025-03-04T09:15:00Z",
    )
    assert timeline["ready_since"] == ready.json()["ready_since"].replace("+00:00", "Z")
    assert (timeline["information"]["state"], timeline["information"]["due_before"]) == ("not_required", None)
    why = f"the SVU process of stay {stay_id} ended at 2025-03-04T09:15:00+00:00: {words} (avbrott i processen)"
    for method, path, body, what in (
        ("POST", "discharge-ready", {"judged_at": "2025-03-04T08:00:00+01:00"}, "a discharge-ready notice"),
        ("POST", "discharge-ready/withdrawal", {"reason": "r"}, "a withdrawal"),
        ("POST", "discharge-ready/backdating", {"sent_at": "2025-03-03T09:00:00+01:00", "reason": "r"}, "a backdating"),
        (
            "PUT",
            "estimated-discharge-date",
            {"estimated_discharge_date": "2025-03-09"},
            "a new estimated discharge date",
        ),
        ("POST", "discharge-information", {"epicrisis_sent_at": AT}, "information at discharge"),
        ("POST", "discharge", {"discharged_at": AT, "destination": "home"}, "a discharge"),
    ):
        refused = await discharge.http.request(method, f"/stays/{stay_id}/{path}", json=body, headers=W)
        assert (refused.status_code, refused.json()["detail"]) == (409, f"{why}; {what} is not recorded"), path
    assert [e["type"] for e in await discharge.published(stay_id)] == ["ready_notified"]


async def test_a_move_changes_who_reads_the_timeline_and_the_process_goes_on(discharge):
    await discharge.feed(_notice("X3"))
    await discharge.feed(
        ProcessInterrupted(
            stay_id="X3", reason="moved_municipality", note="n", new_municipality="1281", interrupted_at=AT
        )
    )
    lund = await discharge.http.get("/stays/X3", headers=municipality("1281"))
    assert (lund.status_code, lund.json()["municipality"], lund.json()["status"]) == (200, "1281", "admitted")
    assert (await discharge.http.get("/stays/X3", headers=municipality("1280"))).status_code == 404
    ready = await discharge.http.post(
        "/stays/X3/discharge-ready", json={"judged_at": "2025-03-03T08:30:00+01:00"}, headers=W
    )
    assert ready.status_code == 201


async def test_the_same_interruption_again_under_another_id_is_a_no_op(discharge):
    await discharge.feed(_notice("X4"))
    died = ProcessInterrupted(stay_id="X4", reason="died", note="n", interrupted_at=AT)
    await discharge.feed(died)
    await discharge.feed(died)  # a new envelope id, the same fact: the inbox records it, nothing changes
    timeline = (await discharge.http.get("/stays/X4", headers=W)).json()
    assert (timeline["status"], timeline["interrupted_at"]) == ("interrupted", "2025-03-04T09:15:00Z")
