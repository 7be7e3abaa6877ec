"""The stay's forms without real parts: the submitted form → planning's JSON body, a record → the form's values,
a 422 on the whole body beside the field it names, the SIP deadline's days left, what is left to acknowledge."""

from datetime import UTC, datetime
from typing import Any

from web.backends import Refused
from web.screens import stay


def test_list_rows_drop_empty_ones_and_are_renumbered_so_errors_land_beside_the_row_shown() -> None:
    form = {"goals.0": " ", "goals.2": "Bo hemma", "actions.1.what": "Hemtjänst", "actions.1.who": "Malmö stad"}
    assert stay.items(form, "goals") == ["Bo hemma"]
    assert stay.compacted(form) == {"goals.0": "Bo hemma", "actions.0.what": "Hemtjänst", "actions.0.who": "Malmö stad"}
    body = stay.sip_body(stay.compacted(form) | {"patient_consent": "true"})
    assert body["actions"] == [{"what": "Hemtjänst", "who": "Malmö stad", "by": None}]
    assert (body["participants"], body["patient_consent"], body["patient_participated"]) == ([], True, False)
    assert body["follow_up_date"] is None


def test_yes_no_choices_and_stockholm_local_times_become_json() -> None:
    assert stay.receiving_decision_body({"can_receive": "false", "comment": ""}) == {
        "can_receive": False,
        "from_date": None,
        "comment": None,
    }
    assert stay.sip_decision_body({})["sip_needed"] is None  # neither chosen: the service says it is required
    # 10:00 on 25 November is winter time (+01:00); 10:00 on 1 July summer time (+02:00).
    assert stay.sip_invitation_body({"meeting_at": "2026-11-25T10:00", "invitees.1": "Malmö stad"}) == {
        "meeting_at": "2026-11-25T10:00:00+01:00",
        "invitees": ["Malmö stad"],
    }
    assert stay.moment("2026-07-01T10:00") == "2026-07-01T10:00:00+02:00"
    assert stay.moment("not a time") == "not a time"  # the service judges it, beside the field
    assert stay.local_input("2026-11-25T09:00:00Z") == "2026-11-25T10:00"


def test_a_kept_record_becomes_the_forms_values() -> None:
    record = {"goals": ["Bo hemma"], "actions": [{"what": "Hemtjänst", "by": "2026-11-30"}], "patient_consent": True}
    assert stay.flattened(record) == {
        "goals.0": "Bo hemma",
        "actions.0.what": "Hemtjänst",
        "actions.0.by": "2026-11-30",
        "patient_consent": "true",
    }
    care = stay.FORMS["care-contact"]
    assert stay.starting_values(care, {"care_contact": None}, "primary_care", "VC1") == {"care_unit": "VC1"}


def test_a_rule_across_fields_lands_beside_the_field_it_names_first() -> None:
    refused = stay.placed(
        Refused(422, None, {"_": "from_date is required when can_receive is true"}), ["can_receive", "from_date"]
    )
    assert (refused.fields, refused.rule) == ({"from_date": "from_date is required when can_receive is true"}, None)
    other = stay.placed(Refused(422, None, {"_": "something else"}), ["reason"])
    assert (other.fields, other.rule) == ({}, "something else")


def test_sip_days_left_count_stockholm_calendar_days() -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert stay.sip_days_left("2026-11-26T08:00:00+00:00", now) == 3
    assert stay.sip_days_left("2026-11-23T23:30:00+00:00", now) == 1  # 00:30 on the 24th in Stockholm
    assert stay.sip_days_left("2026-11-22T08:00:00+00:00", now) == -1
    assert stay.sip_days_left(None, now) is None


def test_what_is_left_to_acknowledge_and_whose_case_it_is() -> None:
    messages = [
        {"message_id": "a", "own": False, "acknowledged_at": None},
        {"message_id": "b", "own": True, "acknowledged_at": None},
        {"message_id": "c", "own": False, "acknowledged_at": "2026-11-23T10:00:00Z"},
    ]
    assert [m["message_id"] for m in stay.acknowledgeable(messages)] == ["a"]
    cases: list[dict[str, Any]] = [
        {"case_id": "S:municipality:1280", "receiver_kind": "municipality", "receiver_id": "1280", "closed_at": "x"},
        {"case_id": "S:municipality:1280b", "receiver_kind": "municipality", "receiver_id": "1280", "closed_at": None},
        {"case_id": "S:primary_care:VC1", "receiver_kind": "primary_care", "receiver_id": "VC1", "closed_at": None},
    ]
    assert stay.own_case(cases, "municipality", "1280")["case_id"] == "S:municipality:1280b"  # type: ignore[index]
    assert stay.own_case(cases, "municipality", "1281") is None
    assert stay.event_name("se.svu.planning.sip_agreed.v1") == "SIP agreed"
    assert stay.event_name("se.svu.other.unknown.v1") == "se.svu.other.unknown.v1"
