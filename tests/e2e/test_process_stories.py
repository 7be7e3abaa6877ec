"""ADR 0010 stories over the real broker, through all four services: a stay discharged the day it became
ready; a withdrawal and a new notice; a late admission notice; a patient who dies while discharge-ready.
(The cancelled stay and the transfer are in test_admission_stories.py.)"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.support.auth import finance, municipality, primary_care, ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice, notify_ready, wait_for_discharge_to_know
from tests.support.realparts import wait_until


def post(who: dict, url: str, body: dict, status: int = 201) -> dict:
    response = httpx.post(url, json=body, headers=who, timeout=10)
    assert response.status_code == status, response.text
    return response.json()


def get(who: dict, url: str, **params) -> dict:  # type: ignore[no-untyped-def]
    response = httpx.get(url, params=params, headers=who, timeout=10)
    return response.json() if response.status_code == 200 else {}


def admitted(svc: dict, care_unit: str, **notice) -> str:  # type: ignore[no-untyped-def]
    stay_id = f"e2e-story-{unique_hex()[:10]}"
    who = ward(care_unit)
    post(who, f"{svc['admission']}/admission-notices", {**admission_notice(stay_id, care_unit=care_unit), **notice})
    wait_until(lambda: get(who, f"{svc['planning']}/stays/{stay_id}"), what="planning to open the stay")
    wait_for_discharge_to_know(svc["discharge"], stay_id, care_unit)
    return stay_id


def planning_stay_when(svc: dict, who: dict, stay_id: str, what: str, check) -> dict:  # type: ignore[no-untyped-def]
    return wait_until(lambda: (s := get(who, f"{svc['planning']}/stays/{stay_id}")) and check(s) and s, what=what)


def billing_periods_when(svc: dict, stay_id: str, count: int) -> list[dict]:
    def periods() -> list[dict]:
        found = get(finance(), f"{svc['billing']}/stays/{stay_id}/ready-periods").get("periods", [])
        return found if len(found) == count and all(p["closed_at"] for p in found) else []

    return wait_until(periods, what=f"billing to see {count} closed ready period(s)")


def test_a_stay_discharged_the_day_it_became_ready(running_services):
    svc = {name: proc.url for name, proc in running_services.items()}
    w = ward("SE-STORY-SAMEDAY")
    stay_id = admitted(svc, "SE-STORY-SAMEDAY", primary_care_unit="SE-VC-SAMEDAY")
    notify_ready(svc["discharge"], w, stay_id, "2025-03-03T08:30:00+01:00", "2025-03-03T09:00:00+01:00")
    post(
        w,
        f"{svc['discharge']}/stays/{stay_id}/discharge-information",
        {"epicrisis_sent_at": "2025-03-03T14:00:00+01:00"},
    )
    post(
        w,
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        {"discharged_at": "2025-03-03T15:00:00+01:00", "destination": "home"},
    )
    stay = planning_stay_when(svc, w, stay_id, "planning to see the discharge", lambda s: s["status"] == "discharged")
    assert (stay["destination"], stay["epicrisis_sent_at"], stay["ready_at"]) == (
        "home",
        "2025-03-03T13:00:00Z",
        "2025-03-03T08:00:00Z",
    )
    cases = [
        *get(municipality(), f"{svc['planning']}/cases", stay_id=stay_id)["items"],
        *get(primary_care("SE-VC-SAMEDAY"), f"{svc['planning']}/cases", stay_id=stay_id)["items"],
    ]
    assert {(c["receiver_kind"], c["status"], tuple(c["due"])) for c in cases} == {
        ("municipality", "discharged", ()),
        ("primary_care", "discharged", ()),
    }
    [period] = billing_periods_when(svc, stay_id, 1)
    assert (period["opened_at"], period["closed_at"]) == ("2025-03-03T08:00:00Z", "2025-03-03T14:00:00Z")


def test_a_withdrawal_and_a_new_notice(running_services):
    svc = {name: proc.url for name, proc in running_services.items()}
    w = ward("SE-STORY-WITHDRAW")
    stay_id = admitted(svc, "SE-STORY-WITHDRAW")
    notify_ready(svc["discharge"], w, stay_id, "2025-03-03T08:30:00+01:00", "2025-03-03T09:00:00+01:00")
    post(
        w,
        f"{svc['discharge']}/stays/{stay_id}/discharge-ready/withdrawal",
        {"reason": "feber", "withdrawn_at": "2025-03-04T07:00:00+01:00"},
    )
    notify_ready(svc["discharge"], w, stay_id, "2025-03-06T08:00:00+01:00", "2025-03-06T08:30:00+01:00")
    stay = planning_stay_when(svc, w, stay_id, "the new notice", lambda s: s["ready_at"] == "2025-03-06T07:30:00Z")
    assert (stay["status"], stay["sip_due_at"]) == ("discharge_ready", "2025-03-09T23:00:00Z")  # from the new notice
    messages = get(w, f"{svc['planning']}/stays/{stay_id}/messages")
    # Each notice went on paper first: its backdating is a message every party sees (ADR 0015).
    assert [m["type"].split(".")[-2] for m in messages] == [
        "notice_sent",
        "ready_notified",
        "ready_backdated",
        "ready_withdrawn",
        "ready_notified",
        "ready_backdated",
    ]
    post(
        w,
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        {"discharged_at": "2025-03-07T11:00:00+01:00", "destination": "short_term_place"},
    )
    first, second = billing_periods_when(svc, stay_id, 2)
    assert (first["opened_at"], first["closed_at"]) == ("2025-03-03T08:00:00Z", "2025-03-04T06:00:00Z")
    assert (second["opened_at"], second["closed_at"]) == ("2025-03-06T07:30:00Z", "2025-03-07T10:00:00Z")


def test_a_late_admission_notice_is_visible_on_the_wards_list_and_counted_in_follow_up(running_services):
    svc = {name: proc.url for name, proc in running_services.items()}
    now = datetime.now(UTC)
    unit = f"SE-STORY-LATE-{unique_hex()[:6]}"
    w = ward(unit)
    late = admitted(svc, unit, admitted_at=(now - timedelta(hours=30)).isoformat())
    admitted(svc, unit, admitted_at=(now - timedelta(hours=2)).isoformat())
    assert get(w, f"{svc['admission']}/stays/{late}")["notice_on_time"] is False
    listed = get(w, f"{svc['planning']}/stays", care_unit=unit, late_notice="true")
    assert (listed["total"], listed["items"][0]["stay_id"], listed["items"][0]["notice_on_time"]) == (1, late, False)
    month = now.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m")  # follow-up months are Swedish
    [row] = httpx.get(f"{svc['planning']}/follow-up", params={"month": month}, headers=w, timeout=10).json()
    assert (row["notices"], row["notices_on_time"], row["notices_late"]) == (2, 1, 1)


def test_a_patient_who_dies_while_discharge_ready(running_services):
    svc = {name: proc.url for name, proc in running_services.items()}
    unit = f"SE-STORY-DEATH-{unique_hex()[:6]}"
    w = ward(unit)
    stay_id = admitted(svc, unit)
    notify_ready(svc["discharge"], w, stay_id, "2025-03-03T08:30:00+01:00", "2025-03-03T09:00:00+01:00")
    post(
        w,
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        {"discharged_at": "2025-03-05T04:10:00+01:00", "destination": "deceased"},
    )
    again = httpx.post(
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        json={"discharged_at": "2025-03-05T09:00:00+01:00", "destination": "home"},
        headers=w,
        timeout=10,
    )
    assert again.status_code == 409 and "a stay has one discharge" in again.json()["detail"]
    planning_stay_when(svc, w, stay_id, "planning to see the death", lambda s: s["destination"] == "deceased")
    [period] = billing_periods_when(svc, stay_id, 1)
    assert period["closed_at"] == "2025-03-05T03:10:00Z"  # the ready period ends at death
    [row] = httpx.get(f"{svc['planning']}/follow-up", params={"month": "2025-03"}, headers=w, timeout=10).json()
    assert row["discharges"] == {"deceased": 1}
