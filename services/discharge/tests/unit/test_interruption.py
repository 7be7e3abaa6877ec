"""The admission service's avbrott i processen, as the discharge timeline follows it (ADR 0015)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from discharge.domain.timeline import DischargeRuleBroken, DischargeTimeline, Status
from svu_shared.facts import DuplicateEvent, RejectedEvent

T = ZoneInfo("Europe/Stockholm")
MON9, TUE8, WED10 = (datetime(2025, 3, d, h, tzinfo=T) for d, h in ((3, 9), (4, 8), (5, 10)))


def admitted() -> DischargeTimeline:
    return DischargeTimeline("S1").admitted("1280", "W1", None)


@pytest.mark.parametrize(
    ("reason", "words"), [("died", "the patient died"), ("declined_support", "the patient declined support")]
)
def test_after_death_or_declined_support_nothing_more_is_recorded_and_the_refusal_names_why(reason, words):
    t = admitted().notify_ready(MON9, MON9).interrupted(reason, TUE8, None)
    assert (t.status, t.interruption_reason, t.interrupted_at, t.ready_since) == (
        Status.INTERRUPTED,
        reason,
        TUE8,
        MON9,
    )
    why = f"the SVU process of stay S1 ended at 2025-03-04T08:00:00\\+01:00: {words} \\(avbrott i processen\\)"
    for action, what in (
        (lambda: t.notify_ready(WED10, WED10), "a discharge-ready notice"),
        (lambda: t.withdraw(WED10), "a withdrawal"),
        (lambda: t.estimate(date(2025, 3, 9)), "a new estimated discharge date"),
        (lambda: t.information_sent(WED10, None), "information at discharge"),
        (lambda: t.discharge(WED10, "home"), "a discharge"),
        (lambda: t.backdate(MON9, "r", WED10), "a backdating"),
    ):
        with pytest.raises(DischargeRuleBroken, match=f"^{why}; {what} is not recorded$"):
            action()


def test_a_move_changes_the_municipality_and_the_process_goes_on():
    moved = admitted().interrupted("moved_municipality", TUE8, "1281")
    assert (moved.municipality, moved.status, moved.interruption_reason) == ("1281", Status.ADMITTED, None)
    assert moved.notify_ready(MON9, WED10).status is Status.DISCHARGE_READY
    with pytest.raises(DuplicateEvent):
        moved.interrupted("moved_municipality", WED10, "1281")
    with pytest.raises(RejectedEvent, match="a move needs the new municipality and an admitted stay"):
        DischargeTimeline("S1").interrupted("moved_municipality", TUE8, "1281")


def test_the_same_ending_again_is_a_duplicate_and_another_a_contradiction():
    died = admitted().interrupted("died", TUE8, None)
    with pytest.raises(DuplicateEvent):
        died.interrupted("died", WED10, None)
    with pytest.raises(RejectedEvent, match="has already ended \\(died\\)"):
        died.interrupted("declined_support", WED10, None)


def test_an_interruption_after_discharge_keeps_the_discharge():
    t = admitted().discharge(MON9, "home").interrupted("died", TUE8, None)
    assert (t.status, t.interruption_reason) == (Status.DISCHARGED, "died")
