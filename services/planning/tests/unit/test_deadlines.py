"""The SIP invitation deadline (3 calendar days after the discharge-ready notice's day, ADR 0010) and calendar
months in Sweden, across DST changes, month ends and a leap day."""

from datetime import UTC, datetime

import pytest

from planning.domain.deadlines import SWEDEN, month_bounds, sip_invitation_due


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent_local", "due_utc"),
    [
        ("2025-03-03 09:00", "2025-03-06 23:00"),  # Monday morning: in time until Thursday midnight
        ("2025-03-03 23:30", "2025-03-06 23:00"),  # late the same day: the same deadline
        ("2025-03-04 00:30", "2025-03-07 23:00"),  # just after midnight (still 3 March in UTC): one day later
        ("2025-03-28 10:00", "2025-03-31 22:00"),  # spring forward on 30 March: the day ends at 22:00 UTC
        ("2025-10-24 15:00", "2025-10-27 23:00"),  # fall back on 26 October: CET again
        ("2025-01-30 12:00", "2025-02-02 23:00"),  # across a month end
        ("2024-02-27 08:00", "2024-03-01 23:00"),  # across a leap day
        ("2025-12-30 16:00", "2026-01-02 23:00"),  # across a year end
    ],
)
def test_sip_invitation_is_due_before_midnight_three_days_after_the_notices_day(sent_local, due_utc):
    sent = datetime.fromisoformat(sent_local).replace(tzinfo=SWEDEN)
    assert sip_invitation_due(sent) == z(due_utc)


def test_the_spring_dst_change_makes_the_window_an_hour_shorter_in_elapsed_time():
    sent = datetime(2025, 3, 28, 10, tzinfo=SWEDEN)
    assert (sip_invitation_due(sent) - sent).total_seconds() / 3600 == 85  # 86 in a week without a DST change


@pytest.mark.parametrize(
    ("month", "start", "end"),
    [
        ("2025-03", "2025-02-28 23:00", "2025-03-31 22:00"),  # the month DST starts in
        ("2025-10", "2025-09-30 22:00", "2025-10-31 23:00"),  # the month DST ends in
        ("2025-12", "2025-11-30 23:00", "2025-12-31 23:00"),  # the year end
    ],
)
def test_a_month_is_a_calendar_month_in_sweden(month, start, end):
    assert month_bounds(month) == (z(start), z(end))
