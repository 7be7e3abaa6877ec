"""ADR 0010: the admission and discharge services, on PostgreSQL and on SQLite (architecture §5),
through their HTTP APIs; what they publish is read from their outboxes."""

from datetime import UTC, datetime

from svu_shared.contracts import AdmissionNoticeCancelled, AdmissionNoticeSent
from tests.support.auth import ward
from tests.support.notices import admission_notice

W = ward("W")
NOTICE = AdmissionNoticeSent(
    stay_id="D0",
    patient_id="191212121212",
    municipality="1280",
    care_unit="W",
    admitted_at="2025-03-01T10:00:00+01:00",
    sent_at="2025-03-01T12:00:00+01:00",
)


async def test_a_late_notice_is_visible_and_a_correction_of_the_judgement_time_moves_its_deadline(admission):
    posted = await admission.http.post(
        headers=W, url="/admission-notices", json=admission_notice("A1")
    )  # admitted in 2025: late
    assert (posted.status_code, posted.json()["notice_on_time"]) == (201, False)
    assert posted.json()["notice_deadline"] == "2025-03-02T09:00:00Z"
    judged = {"support_needed_judged_at": posted.json()["notice_sent_at"], "reason": "judged today"}
    fixed = await admission.http.post(
        headers=W, url="/stays/A1/corrections", json={**judged, "primary_care_unit": "VC1"}
    )
    assert fixed.status_code == 200 and fixed.json()["notice_on_time"] is True
    assert (fixed.json()["primary_care_unit"], fixed.json()["corrected_at"] is not None) == ("VC1", True)
    same = await admission.http.post(headers=W, url="/stays/A1/corrections", json=judged)
    assert same.status_code == 409 and "changes nothing" in same.json()["detail"]
    wrong = await admission.http.post(
        headers=W, url="/stays/A1/corrections", json={"municipality": "1281", "reason": "x"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "municipality"]
    before = {"support_needed_judged_at": "2025-02-01T10:00:00+01:00", "reason": "x"}
    backwards = await admission.http.post(headers=W, url="/stays/A1/corrections", json=before)
    assert backwards.status_code == 422 and "cannot be before admitted_at" in backwards.text
    assert (await admission.http.post(headers=W, url="/stays/nope/corrections", json=judged)).status_code == 404
    await admission.http.post(headers=W, url="/stays/A1/cancellation", json={"reason": "wrong patient"})
    after = await admission.http.post(
        headers=W, url="/stays/A1/corrections", json={"primary_care_unit": "VC2", "reason": "x"}
    )
    assert after.status_code == 409 and "a cancelled notice cannot be corrected" in after.json()["detail"]
    events = await admission.published("A1")
    assert [e["type"] for e in events] == ["patient_identified", "notice_sent", "notice_corrected", "notice_cancelled"]
    assert (events[1]["notice_deadline"], events[2]["primary_care_unit"]) == ("2025-03-02T09:00:00Z", "VC1")


async def test_the_discharge_timeline_its_rules_and_events(discharge):
    ready = {"judged_at": "2025-03-03T08:30:00+01:00"}  # sent when the server receives it (ADR 0015)
    http = discharge.http
    await discharge.feed(NOTICE.model_copy(update={"stay_id": "D1"}))
    stranger = await http.post(headers=ward("W9"), url="/stays/D1/discharge-ready", json=ready)
    assert stranger.status_code == 404  # another ward's stay does not exist for it
    assert (
        await http.put(
            headers=W, url="/stays/D1/estimated-discharge-date", json={"estimated_discharge_date": "2025-03-06"}
        )
    ).status_code == 200
    assert (await http.post(headers=W, url="/stays/D1/discharge-ready", json=ready)).status_code == 201
    assert (
        await http.post(headers=W, url="/stays/D1/discharge-ready/withdrawal", json={"reason": "feber"})
    ).status_code == 201
    twice = await http.post(headers=W, url="/stays/D1/discharge-ready/withdrawal", json={"reason": "feber"})
    assert twice.status_code == 409 and "only a discharge-ready patient" in twice.json()["detail"]
    again = await http.post(headers=W, url="/stays/D1/discharge-ready", json={"judged_at": "2025-03-05T08:00:00+01:00"})
    assert again.json()["ready_since"] == again.json()["ready_received_at"] is not None  # a new period, from receipt
    info = {"epicrisis_sent_at": "2025-03-06T10:00:00+01:00", "medication_list_sent_at": "2025-03-06T10:00:00+01:00"}
    assert (await http.post(headers=W, url="/stays/D1/discharge-information", json=info)).status_code == 201
    bad = await http.post(
        headers=W, url="/stays/D1/discharge", json={"discharged_at": "2025-03-06T12:00:00+01:00", "destination": "mars"}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "destination"]
    died = {"discharged_at": datetime.now(UTC).isoformat(), "destination": "deceased"}  # after the new notice
    done = (await http.post(headers=W, url="/stays/D1/discharge", json=died)).json()
    assert (done["status"], done["destination"], done["withdrawals"], done["estimated_discharge_date"]) == (
        "discharged",
        "deceased",
        1,
        "2025-03-06",
    )
    second = await http.post(headers=W, url="/stays/D1/discharge", json=died)
    assert second.status_code == 409 and "a stay has one discharge" in second.json()["detail"]
    assert [e["type"] for e in await discharge.published("D1")] == [
        "estimated_date_changed",
        "ready_notified",
        "ready_withdrawn",
        "ready_notified",
        "information_sent",
        "patient_discharged",
    ]


async def test_a_notice_on_a_cancelled_stay_is_refused_with_the_rule(discharge):
    await discharge.feed(NOTICE.model_copy(update={"stay_id": "D2"}))
    await discharge.feed(
        AdmissionNoticeCancelled(stay_id="D2", reason="wrong patient", cancelled_at="2025-03-01T12:00:00+01:00")
    )
    ready = {"judged_at": "2025-03-03T08:30:00+01:00"}
    refused = await discharge.http.post(headers=W, url="/stays/D2/discharge-ready", json=ready)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "stay D2 was cancelled (makulerad): a discharge-ready notice needs a live stay"
    assert await discharge.published("D2") == []
