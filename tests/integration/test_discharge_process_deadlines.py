"""ADR 0015: information at discharge (epikris, läkemedelslista) is due no later than the day of discharge, a
calendar day in Sweden; GET /stays/{id} says whether it came in time, came late, is due or is overdue. On
PostgreSQL and on SQLite."""

from datetime import UTC, datetime, timedelta
from functools import partial

from tests.support.auth import municipality, ward
from tests.support.notices import notice_event

W = ward("W")


# The ward W's notice for Malmö, as the discharge service receives it.
_notice = partial(notice_event, care_unit="W", primary_care_unit=None, sent_after=timedelta(hours=2))


async def _information(discharge, stay_id: str) -> dict:  # type: ignore[no-untyped-def]
    answer = await discharge.http.get(f"/stays/{stay_id}", headers=municipality())
    assert answer.status_code == 200
    return answer.json()["information"]


async def test_before_discharge_the_information_is_due_without_a_deadline(discharge):
    await discharge.feed(_notice("Y1"))
    assert await _information(discharge, "Y1") == {
        "state": "due",
        "due_before": None,
        "epicrisis": "due",
        "medication_list": "due",
    }
    sent = {"epicrisis_sent_at": "2025-03-04T10:00:00+01:00"}
    assert (await discharge.http.post("/stays/Y1/discharge-information", json=sent, headers=W)).status_code == 201
    assert (await _information(discharge, "Y1"))["epicrisis"] == "in_time"


async def test_after_the_day_of_discharge_missing_information_is_overdue_and_a_late_sending_is_late(discharge):
    await discharge.feed(_notice("Y2"))
    discharged = {"discharged_at": "2025-03-05T15:00:00+01:00", "destination": "home"}
    answered = await discharge.http.post("/stays/Y2/discharge", json=discharged, headers=W)
    assert answered.json()["information"] == {
        "state": "overdue",
        "due_before": "2025-03-05T23:00:00Z",  # midnight after 5 March in Sweden
        "epicrisis": "overdue",
        "medication_list": "overdue",
    }
    on_the_day = {"epicrisis_sent_at": "2025-03-05T23:59:00+01:00"}
    await discharge.http.post("/stays/Y2/discharge-information", json=on_the_day, headers=W)
    assert await _information(discharge, "Y2") == {
        "state": "overdue",
        "due_before": "2025-03-05T23:00:00Z",
        "epicrisis": "in_time",
        "medication_list": "overdue",
    }
    next_day = {"medication_list_sent_at": "2025-03-06T00:00:00+01:00"}
    await discharge.http.post("/stays/Y2/discharge-information", json=next_day, headers=W)
    assert await _information(discharge, "Y2") == {
        "state": "late",
        "due_before": "2025-03-05T23:00:00Z",
        "epicrisis": "in_time",
        "medication_list": "late",
    }


async def test_on_the_day_of_discharge_it_is_due_and_for_a_deceased_patient_it_is_not_required(discharge):
    await discharge.feed(_notice("Y3"))
    today = {"discharged_at": datetime.now(UTC).isoformat(), "destination": "short_term_place"}
    await discharge.http.post("/stays/Y3/discharge", json=today, headers=W)
    information = await _information(discharge, "Y3")
    assert (information["state"], information["epicrisis"], information["medication_list"]) == ("due", "due", "due")
    assert datetime.fromisoformat(information["due_before"].replace("Z", "+00:00")) > datetime.now(UTC)
    await discharge.feed(_notice("Y4"))
    deceased = {"discharged_at": "2025-03-05T04:10:00+01:00", "destination": "deceased"}
    await discharge.http.post("/stays/Y4/discharge", json=deceased, headers=W)
    assert (await _information(discharge, "Y4"))["state"] == "not_required"
