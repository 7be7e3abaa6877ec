"""Closing cases (ADR 0014): a cancelled notice and an interruption close every open case with the reason; a move
hands the case to the new municipality; a receiver returns a misrouted case or closes it after discharge only."""

from datetime import datetime

import pytest

from planning.domain.case import Case, cases_to_close, clipped
from planning.domain.deadlines import SWEDEN
from planning.domain.stay import PlanRuleBroken, RecordKind
from planning.service_layer.published import case_changed
from services.planning.tests.unit.builders import ADMITTED, stay
from svu_shared.contracts import CaseClosed
from svu_shared.contracts.planning import CaseReturned
from svu_shared.facts import DuplicateEvent, RejectedEvent

AT = datetime(2025, 3, 4, 10, 15, tzinfo=SWEDEN)


MALMO = Case("S1:municipality:1280", "S1", "municipality", "1280", ADMITTED)
VC1 = Case("S1:primary_care:VC1", "S1", "primary_care", "VC1", ADMITTED)


def test_the_receivers_of_a_stay_and_none_once_its_process_ended():
    assert stay().receivers() == {("municipality", "1280"), ("primary_care", "VC1")}
    assert stay(primary_care_unit=None).receivers() == {("municipality", "1280")}
    assert stay().cancelled().receivers() == set()
    assert stay().interrupted("died", "natt till tisdag", None, AT).receivers() == set()


def test_a_cancellation_closes_every_open_case_with_the_reason_and_a_closed_one_stays_as_it_was():
    returned = VC1.returned(AT, "fel vårdcentral", "anna@vc1")
    receivers = stay().cancelled().receivers()
    closed = cases_to_close([MALMO, returned], receivers, AT, "makulerat: fel patient", "cancelled")
    assert closed == [MALMO.closed(AT, "makulerat: fel patient", "cancelled")]
    assert (closed[0].closed_as, closed[0].closed_reason, closed[0].closed_by) == (
        "cancelled",
        "makulerat: fel patient",
        None,
    )
    event = case_changed(closed[0])
    assert isinstance(event, CaseClosed) and (event.closed_as, event.reason) == ("cancelled", "makulerat: fel patient")


@pytest.mark.parametrize("reason", ["declined_support", "died"])
def test_declined_support_or_death_ends_the_process_and_planning_records_are_refused(reason):
    interrupted = stay().interrupted(reason, "note", None, AT)
    assert (interrupted.interruption, interrupted.interruption_note, interrupted.interrupted_at) == (reason, "note", AT)
    assert interrupted.due_items("primary_care", AT) == [] and interrupted.due_items("ward", AT) == []
    with pytest.raises(PlanRuleBroken, match=r"interrupted \(avbrott i processen: " + reason):
        interrupted.record(RecordKind.ASSESSMENT, {"summary": "s", "recorded_at": AT, "recorded_by": "W1"})
    with pytest.raises(DuplicateEvent):
        interrupted.interrupted(reason, "note", None, AT)


def test_a_move_makes_the_new_municipality_the_stays_and_keeps_the_vardcentral():
    moved = stay().interrupted("moved_municipality", "Folkbokförd i Lund", "1281", AT)
    assert (moved.municipality, moved.former_municipalities, moved.interrupted_at) == ("1281", ("1280",), None)
    assert moved.receivers() == {("municipality", "1281"), ("primary_care", "VC1")}
    closed = cases_to_close([MALMO, VC1], moved.receivers(), AT, "moved", "receiver_changed")
    assert closed == [MALMO.closed(AT, "moved", "receiver_changed")]
    with pytest.raises(DuplicateEvent):
        moved.interrupted("moved_municipality", "again", "1281", AT)
    with pytest.raises(RejectedEvent, match="already registered in 1280"):
        stay().interrupted("moved_municipality", "n", "1280", AT)
    with pytest.raises(RejectedEvent, match="names the new municipality"):
        stay().interrupted("moved_municipality", "n", None, AT)
    # The admission notice again (another event id) after the move is still the same notice.
    with pytest.raises(DuplicateEvent):
        moved.notice_again(stay())


def test_an_interruption_on_a_cancelled_stay_changes_nothing():
    cancelled = stay().cancelled()
    assert cancelled.interrupted("died", "n", None, AT) == cancelled


def test_a_receiver_returns_an_open_case_with_its_reason_once():
    returned = VC1.returned(AT, "Patienten är listad hos VC2", "anna@vc1")
    assert (returned.closed_at, returned.closed_as, returned.closed_by) == (AT, "returned", "anna@vc1")
    event = case_changed(returned)
    assert event == CaseReturned(
        stay_id="S1",
        case_id=VC1.case_id,
        receiver_kind="primary_care",
        receiver_id="VC1",
        reason="Patienten är listad hos VC2",
        returned_by="anna@vc1",
        returned_at=AT,
    )
    with pytest.raises(PlanRuleBroken, match="a closed case cannot be returned"):
        returned.returned(AT, "again", "anna@vc1")
    assert returned.reopened(AT).closed_as is None


def test_a_receiver_closes_its_case_after_discharge_only():
    with pytest.raises(PlanRuleBroken, match=r"after the patient's discharge; the patient is not discharged yet"):
        MALMO.closed_by_receiver(False, AT, None, "lena@malmo")
    closed = MALMO.closed_by_receiver(True, AT, None, "lena@malmo")
    assert (closed.closed_reason, closed.closed_as, closed.closed_by) == (
        "avslutat efter utskrivning",
        "closed_by_receiver",
        "lena@malmo",
    )
    event = case_changed(closed)
    assert isinstance(event, CaseClosed) and event.closed_by == "lena@malmo"
    with pytest.raises(PlanRuleBroken, match="a closed case cannot be closed"):
        closed.closed_by_receiver(True, AT, "again", "lena@malmo")


def test_a_long_reason_is_cut_to_its_bound_and_says_so():
    assert clipped("x" * 500) == "x" * 500
    assert clipped("x" * 501) == "x" * 499 + "…" and len(clipped("y" * 900)) == 500
