"""Follow-up per unit and month (domain §4): deadlines kept and breached, where patients went.

A notice counts in the month it was sent, for the ward that sent it; a discharge and its information at discharge
in the month of discharge, for the ward the patient left. A SIP invitation counts in the month it was due against
the unit that owes it (ADR 0014): the named care contact's unit, else the vårdcentral on the notice
(`sip_invitations_owed*`). The ward's row keeps counting the SIP invitations of its patients (`sip_invitations_*`,
as before ADR 0014: clients read them), which is not a breach of the ward's. Months are calendar months in Sweden.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from planning.domain.deadlines import month_bounds
from planning.domain.due import InformationState, information
from planning.domain.stay import PlannedStay, StayStatus


@dataclass
class UnitMonth:
    care_unit: str
    notices: int = 0
    notices_on_time: int = 0
    notices_late: int = 0
    sip_invitations_due: int = 0  # for the ward's patients (the ward's row)
    sip_invitations_on_time: int = 0
    sip_invitations_late: int = 0  # sent after the deadline, or not sent when it passed
    discharges: Counter[str] = field(default_factory=Counter)
    sip_invitations_owed: int = 0  # owed by this unit (the vårdcentral's row)
    sip_invitations_owed_on_time: int = 0
    sip_invitations_owed_late: int = 0
    information_due: int = 0  # information at discharge, for the ward the patient left
    information_on_time: int = 0
    information_late: int = 0  # sent after the day of discharge, or not sent when it ended


def sip_owing_unit(stay: PlannedStay) -> str | None:
    """The unit that owes the SIP invitation: the named care contact's (it sends it), else the notice's vårdcentral."""
    contact_unit = stay.care_contact.get("care_unit") if stay.care_contact else None
    return contact_unit or stay.primary_care_unit


def follow_up(stays: list[PlannedStay], month: str, now: datetime) -> list[UnitMonth]:
    start, end = month_bounds(month)
    units: dict[str, UnitMonth] = {}

    def unit(care_unit: str) -> UnitMonth:
        return units.setdefault(care_unit, UnitMonth(care_unit))

    for stay in stays:
        if stay.status is StayStatus.CANCELLED:
            continue  # a cancelled notice was sent in error; it is not a stay to follow up
        if start <= stay.notice_sent_at < end and stay.notice_on_time is not None:
            row = unit(stay.notice_care_unit)
            row.notices += 1
            row.notices_on_time += stay.notice_on_time
            row.notices_late += not stay.notice_on_time
        if stay.sip_due_at is not None and start <= stay.sip_due_at < end and stay.sip_needed is not False:
            on_time = stay.sip_invitation_on_time()
            if on_time is not None or stay.sip_invitation_overdue(now):
                row = unit(stay.care_unit)
                row.sip_invitations_due += 1
                row.sip_invitations_on_time += bool(on_time)
                row.sip_invitations_late += not on_time
                if owing := sip_owing_unit(stay):
                    owed = unit(owing)
                    owed.sip_invitations_owed += 1
                    owed.sip_invitations_owed_on_time += bool(on_time)
                    owed.sip_invitations_owed_late += not on_time
        if stay.discharged_at is not None and start <= stay.discharged_at < end:
            if stay.destination:
                unit(stay.care_unit).discharges[stay.destination] += 1
            _count_information(unit(stay.care_unit), stay, now)
    return sorted(units.values(), key=lambda u: u.care_unit)


def _count_information(row: UnitMonth, stay: PlannedStay, now: datetime) -> None:
    state = information(stay, now).state
    if state in (InformationState.IN_TIME, InformationState.LATE, InformationState.OVERDUE):
        row.information_due += 1
        row.information_on_time += state is InformationState.IN_TIME
        row.information_late += state is not InformationState.IN_TIME
