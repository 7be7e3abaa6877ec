"""A stay as the planning service sees it: the ward's facts (from events) and the plan the receivers record.

Ward facts arrive as events and apply (the ward's system is the source of truth for them), except a fact that
repeats or contradicts one the stay already has: a second admission notice or a second discharge under another
event id is a no-op when it says the same (`DuplicateEvent`) and is refused with the rule otherwise (ADR 0012).
Planning records are commands: each checks the process rule and returns the new stay, or raises `PlanRuleBroken`
(a `RuleBroken`, which the API answers with 409 in the rule's words, ADR 0013). Records are kept as the content the
user entered plus `recorded_at` and `recorded_by`.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from planning.domain.deadlines import sip_invitation_due
from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.rules import RuleBroken

Record = dict[str, Any]


class PlanRuleBroken(RuleBroken):
    pass


class StayStatus(StrEnum):
    ADMITTED = "admitted"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"


class RecordKind(StrEnum):
    CARE_CONTACT = "care_contact"  # fast vårdkontakt
    ASSESSMENT = "assessment"  # kartläggning
    SIP_DECISION = "sip_decision"  # ställningstagande till SIP
    SIP_INVITATION = "sip_invitation"  # kallelse till SIP
    SIP = "sip"  # samordnad individuell plan
    RECEIVING_DECISION = "receiving_decision"  # ställningstagande inför utskrivning


@dataclass(frozen=True)
class DueItem:
    what: str
    due_at: datetime | None  # None: due, without a date in law ("promptly", "before discharge")
    overdue: bool


@dataclass(frozen=True)
class PlannedStay:
    stay_id: str
    patient_id: str
    municipality: str
    care_unit: str
    notice_care_unit: str  # the ward that sent the notice: follow-up counts its timeliness there
    admitted_at: datetime
    notice_sent_at: datetime
    notice_deadline: datetime | None = None
    primary_care_unit: str | None = None
    estimated_discharge_date: date | None = None
    status: StayStatus = StayStatus.ADMITTED
    ready_at: datetime | None = None
    sip_due_at: datetime | None = None
    sip_invited_at: datetime | None = None  # the first invitation: a rescheduled meeting does not move it
    discharged_at: datetime | None = None
    destination: str | None = None
    epicrisis_sent_at: datetime | None = None
    medication_list_sent_at: datetime | None = None
    care_contact: Record | None = None
    assessment: Record | None = None
    sip_decision: Record | None = None
    sip_invitation: Record | None = None
    sip: Record | None = None
    receiving_decision: Record | None = None
    wards: tuple[str, ...] = ()  # every ward the stay has been on: they may see it (ADR 0011)
    protected_identity: bool = False  # skyddad identitet: name and address never reach this service
    patient_name: str | None = None
    patient_address: str | None = None

    # --- the ward's facts (events) ---

    @property
    def notice_on_time(self) -> bool | None:
        return None if self.notice_deadline is None else self.notice_sent_at <= self.notice_deadline

    def discharge_ready(self, sent_at: datetime) -> "PlannedStay":
        if self.status is not StayStatus.ADMITTED:
            return self  # a repeated notice does not restart anything; a closed stay stays closed
        due = self.sip_due_at if self.sip_invited_at else sip_invitation_due(sent_at)
        return replace(self, status=StayStatus.DISCHARGE_READY, ready_at=sent_at, sip_due_at=due)

    def ready_withdrawn(self) -> "PlannedStay":
        if self.status is not StayStatus.DISCHARGE_READY:
            return self
        # Without a discharge-ready notice there is no SIP deadline; one already met is kept for follow-up.
        return replace(
            self,
            status=StayStatus.ADMITTED,
            ready_at=None,
            sip_due_at=self.sip_due_at if self.sip_invited_at else None,
        )

    def notice_again(self, notice: "PlannedStay") -> None:
        """A second admission notice for this stay: the same one again, or a contradiction. Times the ward may
        correct (admission, deadline, vårdcentral) are left out of the comparison: a correction has its event."""
        same = ("patient_id", "municipality", "notice_care_unit", "notice_sent_at", "protected_identity")
        if all(getattr(self, f) == getattr(notice, f) for f in same):
            raise DuplicateEvent(f"stay {self.stay_id}: the same admission notice again")
        raise RejectedEvent(
            f"stay {self.stay_id} already has an admission notice (sent {self.notice_sent_at.isoformat()}) that "
            "differs from this one: a stay has one notice; a change is a correction (notice_corrected), another "
            "admission has its own stay id (domain §2)"
        )

    def discharged(self, at: datetime, destination: str) -> "PlannedStay":
        if self.status is StayStatus.CANCELLED:
            return self  # a cancelled stay stays closed; the ward's later events do not reopen it
        if self.status is StayStatus.DISCHARGED:
            if (self.discharged_at, self.destination) == (at, destination):
                raise DuplicateEvent(f"stay {self.stay_id}: the same discharge again")
            assert self.discharged_at is not None
            raise RejectedEvent(
                f"stay {self.stay_id} was discharged at {self.discharged_at.isoformat()} ({self.destination}): "
                "a stay has one discharge (domain §2)"
            )
        return replace(self, status=StayStatus.DISCHARGED, discharged_at=at, destination=destination)

    def cancelled(self) -> "PlannedStay":
        return replace(self, status=StayStatus.CANCELLED)

    def transferred(self, to_care_unit: str) -> "PlannedStay":
        return replace(self, care_unit=to_care_unit, wards=tuple(dict.fromkeys([*self.wards, to_care_unit])))

    def corrected(
        self,
        admitted_at: datetime,
        notice_deadline: datetime,
        primary_care_unit: str | None,
    ) -> "PlannedStay":
        return replace(
            self, admitted_at=admitted_at, notice_deadline=notice_deadline, primary_care_unit=primary_care_unit
        )

    def estimated(self, day: date) -> "PlannedStay":
        return replace(self, estimated_discharge_date=day)

    def information_sent(self, epicrisis_at: datetime | None, medication_list_at: datetime | None) -> "PlannedStay":
        return replace(
            self,
            epicrisis_sent_at=epicrisis_at or self.epicrisis_sent_at,
            medication_list_sent_at=medication_list_at or self.medication_list_sent_at,
        )

    # --- the plan (commands) ---

    @property
    def sip_needed(self) -> bool | None:
        return None if self.sip_decision is None else bool(self.sip_decision["sip_needed"])

    def record(self, kind: RecordKind, content: Record) -> "PlannedStay":
        """Records (or replaces: a record is kept current) one planning record, after its rule."""
        if self.status is StayStatus.CANCELLED:
            raise PlanRuleBroken(f"stay {self.stay_id} was cancelled (makulerad): its planning has ended")
        CHECKS[kind](self, content)
        updated = replace(self, **{kind.value: content})  # type: ignore[arg-type]
        if kind is RecordKind.SIP_INVITATION and self.sip_invited_at is None:
            updated = replace(updated, sip_invited_at=content["recorded_at"])
        return updated

    def _before_discharge(self, what: str) -> None:
        if self.status is StayStatus.DISCHARGED:
            raise PlanRuleBroken(f"the patient is discharged: {what} is made before discharge (domain §2)")

    def _check_care_contact(self, content: Record) -> None:
        pass  # promptly after the notice, and it can change at any time (even after discharge)

    def _check_assessment(self, content: Record) -> None:
        self._before_discharge("the assessment (kartläggning), kept current while admitted,")

    def _check_sip_decision(self, content: Record) -> None:
        self._before_discharge("the decision on SIP (ställningstagande till SIP)")

    def _check_sip_invitation(self, content: Record) -> None:
        if self.care_contact is None:
            raise PlanRuleBroken(
                "the SIP invitation is sent by the named care contact (fast vårdkontakt): assign one first"
            )
        if self.sip_needed is False:
            raise PlanRuleBroken("the decision on SIP (ställningstagande till SIP) says no SIP is needed")

    def _check_sip(self, content: Record) -> None:
        if self.sip_invitation is None:
            raise PlanRuleBroken("a SIP is agreed at the meeting it was invited to: send the SIP invitation first")
        if not content["patient_consent"]:
            raise PlanRuleBroken("a SIP needs the patient's consent (samtycke); without it there is no SIP")

    def _check_receiving_decision(self, content: Record) -> None:
        self._before_discharge("the decision before discharge (ställningstagande inför utskrivning)")

    # --- what is due ---

    def sip_invitation_pending(self) -> bool:
        """A SIP invitation is due (the discharge-ready notice came) and has not been sent."""
        return self.sip_due_at is not None and self.sip_invited_at is None and self.sip_needed is not False

    def sip_invitation_overdue(self, now: datetime) -> bool:
        return self.sip_invitation_pending() and now >= self.sip_due_at  # type: ignore[operator]

    def sip_invitation_on_time(self) -> bool | None:
        """None while no invitation is due or none was sent."""
        if self.sip_due_at is None or self.sip_invited_at is None:
            return None
        return self.sip_invited_at < self.sip_due_at

    def due_items(self, receiver_kind: str, now: datetime) -> list[DueItem]:
        """What the receiver still has to do on this stay, with the deadline where the law sets one."""
        if self.status in (StayStatus.CANCELLED, StayStatus.DISCHARGED):
            return []
        items: list[DueItem] = []
        if receiver_kind == "primary_care":
            if self.care_contact is None:
                items.append(DueItem("care_contact", None, False))
            if self.sip_decision is None:
                items.append(DueItem("sip_decision", None, False))
            if self.sip_invitation_pending():
                items.append(DueItem("sip_invitation", self.sip_due_at, self.sip_invitation_overdue(now)))
        elif self.status is StayStatus.DISCHARGE_READY and self.receiving_decision is None:
            items.append(DueItem("receiving_decision", None, False))
        return items


CHECKS = {
    RecordKind.CARE_CONTACT: PlannedStay._check_care_contact,
    RecordKind.ASSESSMENT: PlannedStay._check_assessment,
    RecordKind.SIP_DECISION: PlannedStay._check_sip_decision,
    RecordKind.SIP_INVITATION: PlannedStay._check_sip_invitation,
    RecordKind.SIP: PlannedStay._check_sip,
    RecordKind.RECEIVING_DECISION: PlannedStay._check_receiving_decision,
}
