"""The ward's forms as the services take them: Stockholm local time becomes an aware ISO datetime, empty optional
fields are left out, and the ward list's filters, sort and acknowledgements."""

from datetime import UTC, datetime
from typing import Any

from web.screens.ward import (
    ListQuery,
    assessment_body,
    aware,
    backdating_body,
    correction_body,
    discharge_body,
    estimate_body,
    information_body,
    interruption_body,
    last_day,
    local,
    not_acknowledged,
    notice_body,
    now_local,
    ready_body,
    reason_body,
    receiving_decided_at,
    sort_stays,
    transfer_body,
    withdrawal_body,
)


def test_stockholm_local_time_becomes_an_aware_iso_datetime_in_winter_and_summer() -> None:
    assert aware("2026-11-23T14:05") == "2026-11-23T14:05:00+01:00"
    assert aware("2026-07-01T09:30") == "2026-07-01T09:30:00+02:00"
    assert aware("2026-11-23 14:05") == "2026-11-23T14:05:00+01:00"


def test_an_aware_time_is_kept_and_nothing_stays_nothing() -> None:
    assert aware("2026-11-23T14:05:00+00:00") == "2026-11-23T14:05:00+00:00"
    assert aware("") is None
    assert aware("   ") is None
    assert aware(None) is None


def test_what_is_no_time_goes_to_the_service_as_typed_so_its_rule_shows_beside_the_field() -> None:
    assert aware("igår") == "igår"


def test_a_moment_is_shown_in_a_form_as_stockholm_local_time() -> None:
    assert local("2026-11-23T13:05:00Z") == "2026-11-23T14:05"
    assert local("2026-07-01T07:30:00+00:00") == "2026-07-01T09:30"
    assert local(None) == ""
    assert now_local(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == "2026-03-29T03:30"  # after the DST change


def test_the_admission_notice_is_the_wards_own_and_drops_empty_optional_fields() -> None:
    form = {
        "stay_id": "  ",
        "patient_id": "19121212-1212",
        "patient_name": "Tolvan Tolvansson",
        "patient_address": "",
        "municipality": "1280",
        "care_type": "somatic",
        "admitted_at": "2026-11-23T08:00",
        "support_needed_judged_at": "",
        "estimated_discharge_date": "2026-11-30",
        "primary_care_unit": "",
        "csrf_token": "x",
    }
    assert notice_body(form, "SE2321000016-MEDAVD3") == {
        "patient_id": "191212121212",
        "patient_name": "Tolvan Tolvansson",
        "municipality": "1280",
        "care_type": "somatic",
        "admitted_at": "2026-11-23T08:00:00+01:00",
        "estimated_discharge_date": "2026-11-30",
        "care_unit": "SE2321000016-MEDAVD3",
        "protected_identity": False,
    }


def test_the_admission_notice_sends_required_fields_empty_so_the_service_names_them() -> None:
    body = notice_body({"protected_identity": "true", "care_unit": "SE-OTHER"}, "SE2321000016-MEDAVD3")
    assert body == {
        "patient_id": "",
        "municipality": "",
        "admitted_at": "",
        "care_unit": "SE2321000016-MEDAVD3",
        "protected_identity": True,
    }


def test_a_correction_changes_only_what_is_filled_in() -> None:
    assert correction_body({"admitted_at": "", "primary_care_unit": " SE-VC ", "reason": "Fel vårdcentral"}) == {
        "primary_care_unit": "SE-VC",
        "reason": "Fel vårdcentral",
    }
    assert correction_body({"admitted_at": "2026-11-20T08:00", "reason": "Fel tid"}) == {
        "admitted_at": "2026-11-20T08:00:00+01:00",
        "reason": "Fel tid",
    }


def test_cancellation_transfer_and_withdrawal_leave_out_an_empty_time() -> None:
    assert reason_body({"reason": " Fel patient "}) == {"reason": "Fel patient"}
    assert transfer_body({"to_care_unit": "SE-KIR", "transferred_at": ""}) == {"to_care_unit": "SE-KIR"}
    assert transfer_body({"to_care_unit": "SE-KIR", "transferred_at": "2026-11-23T10:00"}) == {
        "to_care_unit": "SE-KIR",
        "transferred_at": "2026-11-23T10:00:00+01:00",
    }
    assert withdrawal_body({"reason": "Feber", "withdrawn_at": ""}) == {"reason": "Feber"}


def test_an_interruption_names_a_new_municipality_only_with_a_move() -> None:
    assert interruption_body({"reason": "died", "note": "Avled natten till måndag", "new_municipality": ""}) == {
        "reason": "died",
        "note": "Avled natten till måndag",
    }
    assert interruption_body({"reason": "moved_municipality", "note": "Flyttar", "new_municipality": ""}) == {
        "reason": "moved_municipality",
        "note": "Flyttar",
        "new_municipality": "",
    }
    assert (
        interruption_body({"reason": "moved_municipality", "note": "Flyttar", "new_municipality": "1281"})[
            "new_municipality"
        ]
        == "1281"
    )


def test_the_assessment_takes_one_need_per_line() -> None:
    assert assessment_body({"summary": "Bor ensam", "needs": "hemtjänst: dusch\r\n\r\n  läkemedel  \n"}) == {
        "summary": "Bor ensam",
        "needs": ["hemtjänst: dusch", "läkemedel"],
    }
    assert assessment_body({"summary": "Bor ensam", "needs": ""}) == {"summary": "Bor ensam", "needs": []}


def test_the_discharge_service_bodies() -> None:
    assert estimate_body({"estimated_discharge_date": "2026-12-01"}) == {"estimated_discharge_date": "2026-12-01"}
    assert ready_body({"judged_at": "2026-11-23T09:00", "confirmed": "true"}) == {
        "judged_at": "2026-11-23T09:00:00+01:00"
    }
    assert backdating_body({"sent_at": "2026-11-23T10:00", "reason": "Driftstopp"}) == {
        "sent_at": "2026-11-23T10:00:00+01:00",
        "reason": "Driftstopp",
    }
    assert information_body({"epicrisis_sent_at": "2026-11-23T15:00", "medication_list_sent_at": ""}) == {
        "epicrisis_sent_at": "2026-11-23T15:00:00+01:00"
    }
    assert discharge_body({"discharged_at": "2026-11-23T16:00", "destination": "home"}) == {
        "discharged_at": "2026-11-23T16:00:00+01:00",
        "destination": "home",
    }
    assert discharge_body({}) == {"discharged_at": "", "destination": ""}


def test_the_list_filters_come_from_the_address_and_unknown_values_fall_back() -> None:
    q = ListQuery.of({"status": "discharge_ready", "sort": "ready", "late": "true", "page": "2"})
    assert q == ListQuery(status="discharge_ready", sort="ready", late=True, unread=False, page=2)
    assert q.query() == "status=discharge_ready&sort=ready&late=true&page=2"
    assert q.query(page=1) == "status=discharge_ready&sort=ready&late=true"
    assert ListQuery.of({"status": "bogus", "sort": "x", "page": "-3"}) == ListQuery()
    assert ListQuery.of({"page": "abc"}).page == 1
    assert ListQuery.of({"show": "unread"}).unread is True
    assert ListQuery().query() == ""


def test_sorting_by_ready_since_and_by_estimated_date_puts_the_unknown_last() -> None:
    stays: list[dict[str, Any]] = [
        {"stay_id": "a", "admitted_at": "2026-11-01T08:00:00Z", "ready_at": None, "estimated_discharge_date": None},
        {
            "stay_id": "b",
            "admitted_at": "2026-11-02T08:00:00Z",
            "ready_at": "2026-11-20T08:00:00Z",
            "estimated_discharge_date": "2026-11-25",
        },
        {
            "stay_id": "c",
            "admitted_at": "2026-11-03T08:00:00Z",
            "ready_at": "2026-11-19T08:00:00+01:00",
            "estimated_discharge_date": "2026-11-24",
        },
    ]
    assert [s["stay_id"] for s in sort_stays(stays, "admitted")] == ["c", "b", "a"]
    assert [s["stay_id"] for s in sort_stays(stays, "ready")] == ["c", "b", "a"]
    assert [s["stay_id"] for s in sort_stays(stays, "estimated")] == ["c", "b", "a"]
    stays[2]["estimated_discharge_date"] = "2026-12-24"
    assert [s["stay_id"] for s in sort_stays(stays, "estimated")] == ["b", "c", "a"]


def test_the_receivers_that_have_not_acknowledged_the_wards_own_messages() -> None:
    stay = {"municipality": "1280", "primary_care_unit": "SE-VC"}
    ack = {"party_kind": "municipality", "party_id": "1280", "acknowledged_at": "2026-11-23T10:00:00Z"}
    messages: list[dict[str, Any]] = [
        {"own": True, "to_role": None, "acknowledgements": [ack]},
        {"own": True, "to_role": None, "acknowledgements": []},
        {"own": True, "to_role": "primary_care", "acknowledgements": []},
        {"own": False, "to_role": None, "acknowledgements": []},  # the municipality's own: not the ward's to chase
    ]
    assert not_acknowledged(stay, messages) == [("municipality", "1280", 1), ("primary_care", "SE-VC", 3)]
    assert not_acknowledged({"municipality": "1280", "primary_care_unit": None}, messages[:1]) == []


def test_the_municipalitys_latest_decision_before_discharge() -> None:
    messages = [
        {"type": "se.svu.planning.receiving_decided.v1", "occurred_at": "2026-11-22T10:00:00Z"},
        {"type": "se.svu.planning.receiving_decided.v1", "occurred_at": "2026-11-23T10:00:00Z"},
        {"type": "se.svu.discharge.ready_notified.v1", "occurred_at": "2026-11-24T10:00:00Z"},
    ]
    assert receiving_decided_at(messages) == "2026-11-23T10:00:00Z"
    assert receiving_decided_at([]) is None


def test_the_last_day_of_an_exclusive_deadline_in_stockholm() -> None:
    assert last_day("2026-11-23T23:00:00Z") == "2026-11-23"  # midnight starting the 24th in Stockholm
    assert last_day("2026-11-24T08:00:00+01:00") == "2026-11-24"
    assert last_day(None) is None
