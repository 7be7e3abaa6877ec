"""The planning deadlines that users see and follow-up counts (domain §2; all calendar days count).

The SIP invitation (kallelse till SIP) is due within 3 days of the discharge-ready notice. Staff count days on
the calendar, not hours: a notice sent on Monday (any time) is answered in time by an invitation sent on
Thursday, before midnight in Sweden. The deadline is therefore the start of the fourth day after the notice's
day in Europe/Stockholm (ADR 0010), which a DST change or a month end moves only on the calendar.

Information at discharge (information vid utskrivning) is due no later than the day of discharge: before the
midnight (Europe/Stockholm) that ends the discharge day (ADR 0014). Every deadline here is an exclusive bound.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")
SIP_INVITATION_DAYS = 3


def local_day(at: datetime) -> date:
    return at.astimezone(SWEDEN).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in Sweden, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=SWEDEN).astimezone(UTC)


def sip_invitation_due(discharge_ready_sent_at: datetime) -> datetime:
    """The first instant at which a SIP invitation is late (exclusive bound)."""
    return start_of_day(local_day(discharge_ready_sent_at) + timedelta(days=SIP_INVITATION_DAYS + 1))


def information_due(discharged_at: datetime) -> datetime:
    """The first instant at which information at discharge is late: the end of the discharge day in Sweden."""
    return start_of_day(local_day(discharged_at) + timedelta(days=1))


def end_of_day(day: date) -> datetime:
    """The end of `day` in Sweden (the next day's midnight), as a UTC instant: an exclusive deadline."""
    return start_of_day(day + timedelta(days=1))


def last_day(due_at: datetime) -> date:
    """The last calendar day (in Sweden) on which something due before `due_at` is on time."""
    return local_day(due_at - timedelta(microseconds=1))


def local_time(at: datetime) -> str:
    """An instant as staff read it: Swedish local date and time to the minute."""
    return at.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month `YYYY-MM` in Sweden, as UTC instants."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return start_of_day(first), start_of_day(following)
