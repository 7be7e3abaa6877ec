"""Each planning record's process rule (domain §2, ADR 0010): a record is refused, with the rule in its words, when
the process does not allow it now. `check` raises `PlanRuleBroken`; the API answers it 409 (ADR 0013)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from planning.domain.deadlines import local_day
from planning.domain.kinds import PlanRuleBroken, Record, RecordKind, StayStatus

if TYPE_CHECKING:
    from planning.domain.stay import PlannedStay


def check(stay: "PlannedStay", kind: RecordKind, content: Record) -> None:
    if stay.status is StayStatus.CANCELLED:
        raise PlanRuleBroken(f"stay {stay.stay_id} was cancelled (makulerad): its planning has ended")
    if stay.interrupted_at is not None:
        raise PlanRuleBroken(
            f"the SVU process of stay {stay.stay_id} was interrupted (avbrott i processen: {stay.interruption}) at "
            f"{stay.interrupted_at.isoformat()}: its planning has ended"
        )
    CHECKS[kind](stay, content)


def _before_discharge(stay: "PlannedStay", what: str) -> None:
    if stay.status is StayStatus.DISCHARGED:
        raise PlanRuleBroken(f"the patient is discharged: {what} is made before discharge (domain §2)")


def _care_contact(stay: "PlannedStay", content: Record) -> None:
    pass  # promptly after the notice, and it can change at any time (even after discharge)


def _assessment(stay: "PlannedStay", content: Record) -> None:
    _before_discharge(stay, "the assessment (kartläggning), kept current while admitted,")


def _planning_input(stay: "PlannedStay", content: Record) -> None:
    _before_discharge(stay, "input to planning (planeringsunderlag), kept current while admitted,")


def _sip_decision(stay: "PlannedStay", content: Record) -> None:
    _before_discharge(stay, "the decision on SIP (ställningstagande till SIP)")


def _sip_invitation(stay: "PlannedStay", content: Record) -> None:
    if stay.care_contact is None:
        raise PlanRuleBroken(
            "the SIP invitation is sent by the named care contact (fast vårdkontakt): assign one first"
        )
    if stay.sip_needed is False:
        raise PlanRuleBroken("the decision on SIP (ställningstagande till SIP) says no SIP is needed")


def _sip(stay: "PlannedStay", content: Record) -> None:
    if stay.sip_invitation is None:
        raise PlanRuleBroken("a SIP is agreed at the meeting it was invited to: send the SIP invitation first")
    if not content["patient_consent"]:
        raise PlanRuleBroken("a SIP needs the patient's consent (samtycke); without it there is no SIP")
    follow_up, meeting = content.get("follow_up_date"), stay.sip_invitation.get("meeting_at")
    if follow_up and meeting:
        meeting_day = local_day(datetime.fromisoformat(str(meeting)))
        if date.fromisoformat(str(follow_up)) < meeting_day:
            raise PlanRuleBroken(
                f"the SIP's follow-up (uppföljning) is on or after the SIP meeting ({meeting_day.isoformat()})"
            )


def _receiving_decision(stay: "PlannedStay", content: Record) -> None:
    _before_discharge(stay, "the decision before discharge (ställningstagande inför utskrivning)")


CHECKS: dict[RecordKind, Callable[["PlannedStay", Record], None]] = {
    RecordKind.CARE_CONTACT: _care_contact,
    RecordKind.ASSESSMENT: _assessment,
    RecordKind.MUNICIPALITY_INPUT: _planning_input,
    RecordKind.PRIMARY_CARE_INPUT: _planning_input,
    RecordKind.SIP_DECISION: _sip_decision,
    RecordKind.SIP_INVITATION: _sip_invitation,
    RecordKind.SIP: _sip,
    RecordKind.RECEIVING_DECISION: _receiving_decision,
}
