"""Deadlines of the process wave (ADR 0014): information at discharge no later than the day of discharge (Europe/
Stockholm), each party's due items in words, the ward's due list with a returned case to correct, the SIP invitation
counted against the vårdcentral that owes it, and a backdated discharge-ready notice."""

from datetime import UTC, datetime, timedelta

import pytest

from planning.domain.case import Case
from planning.domain.deadlines import SWEDEN, information_due, last_day
from planning.domain.due import InformationState, information, stay_due
from planning.domain.follow_up import follow_up, sip_owing_unit
from planning.domain.stay import RecordKind
from services.planning.tests.unit.builders import ADMITTED, stay
from svu_shared.facts import DuplicateEvent

READY = datetime(2025, 3, 3, 9, tzinfo=SWEDEN)  # Monday: the SIP invitation is due before Friday 00:00
DISCHARGED = datetime(2025, 3, 5, 15, tzinfo=SWEDEN)  # Wednesday: information due before Thursday 00:00
END_OF_DISCHARGE_DAY = datetime(2025, 3, 6, 0, tzinfo=SWEDEN)


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("discharged_local", "due_utc"),
    [
        ("2025-03-05 15:00", "2025-03-05 23:00"),  # the end of the discharge day, CET
        ("2025-03-05 23:59", "2025-03-05 23:00"),  # late in the evening: the same day
        ("2025-03-30 10:00", "2025-03-30 22:00"),  # the spring DST day ends at 22:00 UTC
        ("2025-10-26 10:00", "2025-10-26 23:00"),  # the autumn DST day ends at 23:00 UTC
    ],
)
def test_information_at_discharge_is_due_by_the_end_of_the_discharge_day_in_sweden(discharged_local, due_utc):
    discharged = datetime.fromisoformat(discharged_local).replace(tzinfo=SWEDEN)
    assert information_due(discharged) == z(due_utc)
    assert last_day(z(due_utc)) == discharged.date()


def test_the_information_state_is_the_worse_of_its_two_documents():
    discharged = stay().discharge_ready(READY).discharged(DISCHARGED, "home")
    before_end, at_end = END_OF_DISCHARGE_DAY - timedelta(minutes=1), END_OF_DISCHARGE_DAY
    assert information(discharged, before_end).state is InformationState.DUE
    assert information(discharged, at_end).state is InformationState.OVERDUE
    epicrisis_only = discharged.information_sent(DISCHARGED, None)
    assert information(epicrisis_only, at_end).state is InformationState.OVERDUE
    both_late = epicrisis_only.information_sent(None, at_end)
    assert (information(both_late, at_end).state, information(both_late, at_end).due_before) == (
        InformationState.LATE,
        END_OF_DISCHARGE_DAY,
    )
    in_time = discharged.information_sent(DISCHARGED, before_end)
    assert information(in_time, at_end).state is InformationState.IN_TIME
    assert information(stay().discharged(DISCHARGED, "deceased"), at_end).state is InformationState.NOT_REQUIRED
    assert information(stay().cancelled(), at_end).state is InformationState.NOT_REQUIRED


def test_the_wards_items_in_words_from_the_ready_notice_on():
    admitted = stay()
    assert [i.words for i in admitted.due_items("ward", READY)] == ["Kartläggning (avdelningen): att göra"]
    ready = admitted.discharge_ready(READY)
    assert [i.words for i in ready.due_items("ward", READY)] == [
        "Kartläggning (avdelningen): att göra",
        "Information vid utskrivning (avdelningen): att göra; senast utskrivningsdagen",
    ]
    discharged = ready.discharged(DISCHARGED, "home")
    [item] = discharged.due_items("ward", END_OF_DISCHARGE_DAY - timedelta(seconds=1))
    assert (item.what, item.due_at, item.overdue, item.owed_by, item.words) == (
        "information_at_discharge",
        END_OF_DISCHARGE_DAY,
        False,
        "ward",
        "Information vid utskrivning (avdelningen): senast 2025-03-05",
    )
    [late] = discharged.due_items("ward", END_OF_DISCHARGE_DAY)
    assert late.overdue and late.words == "Information vid utskrivning (avdelningen): förfallen, senast 2025-03-05"
    sent = discharged.information_sent(DISCHARGED, DISCHARGED)
    assert sent.due_items("ward", END_OF_DISCHARGE_DAY) == []


def test_the_stays_due_list_holds_every_partys_items_overdue_first_and_a_returned_case_to_correct():
    ready = stay().discharge_ready(READY)
    returned_vc = Case("S1:primary_care:VC1", "S1", "primary_care", "VC1", ADMITTED).returned(
        READY, "listad hos VC2", "anna@vc1"
    )
    malmo = Case("S1:municipality:1280", "S1", "municipality", "1280", ADMITTED)
    now = datetime(2025, 3, 7, 8, tzinfo=SWEDEN)
    assert [i.words for i in stay_due(ready, [malmo, returned_vc], now)] == [
        "Kartläggning (avdelningen): att göra",
        "Information vid utskrivning (avdelningen): att göra; senast utskrivningsdagen",
        "Rätta eller makulera inskrivningsmeddelandet (avdelningen): att göra; ärendet returnerades av VC1: "
        "listad hos VC2",
        "Ställningstagande inför utskrivning (kommunen): att göra",
    ]
    open_vc = Case("S1:primary_care:VC1", "S1", "primary_care", "VC1", ADMITTED)
    due = stay_due(ready, [malmo, open_vc], now)
    assert (due[0].what, due[0].owed_by, due[0].words) == (
        "sip_invitation",
        "primary_care",
        "Kallelse till SIP (vårdcentralen): förfallen, senast 2025-03-06",
    )
    corrected = ready.corrected(ADMITTED, ADMITTED + timedelta(hours=24), "VC2")
    assert "notice_correction" not in [i.what for i in stay_due(corrected, [malmo, returned_vc], now)]
    assert stay_due(ready.cancelled(), [malmo, open_vc], now) == []


def test_the_sip_invitation_counts_against_the_unit_that_owes_it():
    now = datetime(2025, 4, 15, tzinfo=UTC)
    missed = stay().discharge_ready(READY)
    contact = {"name": "Karin", "care_unit": "VC9", "phone": None, "recorded_at": READY, "recorded_by": "VC9"}
    with_contact = stay(stay_id="S2").discharge_ready(READY).record(RecordKind.CARE_CONTACT, contact)
    assert (sip_owing_unit(missed), sip_owing_unit(with_contact)) == ("VC1", "VC9")
    rows = {u.care_unit: u for u in follow_up([missed, with_contact], "2025-03", now)}
    assert (rows["VC1"].sip_invitations_owed, rows["VC1"].sip_invitations_owed_late) == (1, 1)
    assert (rows["VC9"].sip_invitations_owed, rows["VC9"].sip_invitations_owed_late) == (1, 1)
    assert rows["W1"].sip_invitations_owed == 0 and rows["W1"].sip_invitations_due == 2  # its patients, not its breach


def test_information_at_discharge_counts_for_the_ward_the_patient_left_in_the_month_of_discharge():
    now = datetime(2025, 4, 15, tzinfo=UTC)
    in_time = stay(stay_id="A").discharged(DISCHARGED, "home").information_sent(DISCHARGED, DISCHARGED)
    never = stay(stay_id="B").discharged(DISCHARGED, "home")
    died = stay(stay_id="C").discharged(DISCHARGED, "deceased")
    [w1] = [u for u in follow_up([in_time, never, died], "2025-03", now) if u.care_unit == "W1"]
    assert (w1.information_due, w1.information_on_time, w1.information_late) == (2, 1, 1)


def test_a_backdated_ready_notice_moves_the_ready_time_and_the_sip_deadline():
    received = READY + timedelta(days=1)  # Tuesday's receipt of Monday's paper notice
    ready = stay().discharge_ready(received)
    assert ready.sip_due_at == datetime(2025, 3, 8, 0, tzinfo=SWEDEN)
    backdated = ready.ready_backdated(READY, received, "faxad under driftstopp")
    assert (backdated.ready_at, backdated.ready_received_at, backdated.ready_backdating_reason) == (
        READY,
        received,
        "faxad under driftstopp",
    )
    assert backdated.sip_due_at == datetime(2025, 3, 7, 0, tzinfo=SWEDEN)
    with pytest.raises(DuplicateEvent):
        backdated.ready_backdated(READY, received, "faxad under driftstopp")
    withdrawn = ready.ready_withdrawn()
    assert withdrawn.ready_backdated(READY, received, "r") == withdrawn  # its period is closed: nothing to move
    assert ready.ready_backdated(READY, received - timedelta(hours=1), "r") == ready  # not the period's notice
    again = backdated.ready_withdrawn().discharge_ready(READY + timedelta(days=3))
    assert (again.ready_received_at, again.ready_backdating_reason) == (None, None)
