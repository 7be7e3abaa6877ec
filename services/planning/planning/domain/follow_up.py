"""Follow-up per unit and month (domain §4): deadlines kept and breached, where patients went.

A notice counts in the month it was sent, for the ward that sent it; a SIP invitation in the month it was due,
for the ward the patient was on; a discharge in the month of discharge. Months are calendar months in Sweden.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from planning.domain.deadlines import month_bounds
from planning.domain.stay import PlannedStay, StayStatus


@dataclass
class UnitMonth:
    care_unit: str
    notices: int = 0
    notices_on_time: int = 0
    notices_late: int = 0
    sip_invitations_due: int = 0
    sip_invitations_on_time: int = 0
    sip_invitations_late: int = 0  # sent after the deadline, or not sent when it passed
    discharges: Counter[str] = field(default_factory=Counter)


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
        if stay.discharged_at is not None and stay.destination and start <= stay.discharged_at < end:
            unit(stay.care_unit).discharges[stay.destination] += 1
    return sorted(units.values(), key=lambda u: u.care_unit)
