"""Information vid utskrivning (epikris, läkemedelslista) is due no later than the day of discharge (domain §2).

Staff count the day on the calendar in Sweden, as for the SIP invitation (ADR 0010): a document sent at any time on
the day of discharge is in time, and the first late instant is midnight (Europe/Stockholm) at the end of that day,
whatever the hour of discharge or a DST change. Before the discharge the day is not known: a document not yet sent
is due, one sent is in time. Nothing is due on a cancelled stay, after an interruption that ended the process, or
for a patient discharged as deceased (ADR 0015).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


class InformationState(StrEnum):
    IN_TIME = "in_time"  # sent no later than the day of discharge
    LATE = "late"  # sent, after the day of discharge (Sen)
    DUE = "due"  # not sent yet, the day of discharge has not ended
    OVERDUE = "overdue"  # not sent, the day of discharge has ended (Förfallen)
    NOT_REQUIRED = "not_required"  # no discharge to inform of: cancelled, ended, or deceased


# The worst state of the two documents is the information's state.
SEVERITY = (InformationState.OVERDUE, InformationState.LATE, InformationState.DUE, InformationState.IN_TIME)


@dataclass(frozen=True)
class InformationDeadline:
    due_before: datetime | None  # the first late instant, UTC; None before the discharge
    epicrisis: InformationState
    medication_list: InformationState

    @property
    def state(self) -> InformationState:
        if InformationState.NOT_REQUIRED in (self.epicrisis, self.medication_list):
            return InformationState.NOT_REQUIRED
        return next(s for s in SEVERITY if s in (self.epicrisis, self.medication_list))


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day` in Sweden, as a UTC instant."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SWEDEN).astimezone(UTC)


def information_deadline(
    discharged_at: datetime | None,
    epicrisis_sent_at: datetime | None,
    medication_list_sent_at: datetime | None,
    now: datetime,
    required: bool = True,
) -> InformationDeadline:
    if not required:
        return InformationDeadline(None, InformationState.NOT_REQUIRED, InformationState.NOT_REQUIRED)
    due_before = None if discharged_at is None else end_of_day(discharged_at.astimezone(SWEDEN).date())

    def state(sent_at: datetime | None) -> InformationState:
        if sent_at is not None:
            late = due_before is not None and sent_at >= due_before
            return InformationState.LATE if late else InformationState.IN_TIME
        overdue = due_before is not None and now >= due_before
        return InformationState.OVERDUE if overdue else InformationState.DUE

    return InformationDeadline(due_before, state(epicrisis_sent_at), state(medication_list_sent_at))
