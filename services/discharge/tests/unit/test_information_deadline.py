"""Information at discharge is due no later than the day of discharge, a calendar day in Sweden (ADR 0015)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from discharge.domain.information import InformationState, end_of_day, information_deadline
from discharge.domain.timeline import DischargeTimeline

T = ZoneInfo("Europe/Stockholm")
DISCHARGED = datetime(2025, 3, 5, 15, tzinfo=T)
S = InformationState


def test_the_deadline_is_midnight_after_the_day_of_discharge_in_sweden_across_dst():
    assert end_of_day(DISCHARGED.date()) == datetime(2025, 3, 5, 23, tzinfo=UTC)
    assert end_of_day(datetime(2025, 3, 30, tzinfo=T).date()) == datetime(2025, 3, 30, 22, tzinfo=UTC)  # CEST
    late_evening = datetime(2025, 3, 5, 23, 30, tzinfo=UTC)  # 00:30 on 6 March in Sweden: the next day
    assert information_deadline(datetime(2025, 3, 5, 22, 59, tzinfo=UTC), None, None, late_evening).due_before == (
        datetime(2025, 3, 5, 23, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("epicrisis", "medication_list", "now", "states", "state"),
    [
        (
            "2025-03-05T23:59:59+01:00",
            "2025-03-04T10:00+01:00",
            "2025-03-09T12:00+01:00",
            (S.IN_TIME, S.IN_TIME),
            S.IN_TIME,
        ),
        ("2025-03-06T00:00+01:00", "2025-03-05T10:00+01:00", "2025-03-09T12:00+01:00", (S.LATE, S.IN_TIME), S.LATE),
        (None, "2025-03-05T10:00+01:00", "2025-03-05T23:59+01:00", (S.DUE, S.IN_TIME), S.DUE),
        (None, "2025-03-06T10:00+01:00", "2025-03-06T00:00+01:00", (S.OVERDUE, S.LATE), S.OVERDUE),
    ],
)
def test_each_document_is_in_time_late_due_or_overdue_and_the_worst_is_the_informations(
    epicrisis, medication_list, now, states, state
):
    at = (datetime.fromisoformat(v) if v else None for v in (epicrisis, medication_list, now))
    e, m, n = at
    deadline = information_deadline(DISCHARGED, e, m, n)  # type: ignore[arg-type]
    assert ((deadline.epicrisis, deadline.medication_list), deadline.state) == (states, state)


def test_before_discharge_the_information_is_due_or_sent_in_time():
    sent = datetime(2025, 3, 4, 10, tzinfo=T)
    deadline = information_deadline(None, sent, None, datetime(2030, 1, 1, tzinfo=UTC))
    assert (deadline.due_before, deadline.epicrisis, deadline.medication_list, deadline.state) == (
        None,
        S.IN_TIME,
        S.DUE,
        S.DUE,
    )


def test_nothing_is_due_for_a_cancelled_ended_or_deceased_stay():
    now = datetime(2025, 3, 9, tzinfo=T)
    live = DischargeTimeline("S1").discharge(DISCHARGED, "home")
    assert live.information_deadline(now).state is S.OVERDUE
    for timeline in (
        DischargeTimeline("S1").cancelled(),
        DischargeTimeline("S1").interrupted("declined_support", now, None),
        DischargeTimeline("S1").discharge(DISCHARGED, "deceased"),
    ):
        assert (timeline.information_deadline(now).state, timeline.information_deadline(now).due_before) == (
            S.NOT_REQUIRED,
            None,
        )
