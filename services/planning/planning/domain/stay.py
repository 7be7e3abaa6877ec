"""A stay as the planning service sees it: the ward's facts (from events) and the plan the receivers record.

Ward facts arrive as events and apply (the ward's system is the source of truth for them), except a fact that
repeats or contradicts one the stay already has: a second admission notice or a second discharge under another
event id is a no-op when it says the same (`DuplicateEvent`) and is refused with the rule otherwise (ADR 0012).
Planning records are commands: each checks the process rule (`plan_rules`) and returns the new stay, or raises
`PlanRuleBroken` (a `RuleBroken`, which the API answers with 409 in the rule's words, ADR 0013). Records are kept
as the content the user entered plus `recorded_at` and `recorded_by`. What is due is `due.py`'s.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from planning.domain import due, plan_rules
from planning.domain.deadlines import sip_invitation_due
from planning.domain.kinds import DueItem, PlanRuleBroken, Record, RecordKind, StayStatus
from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.rules import check_has_patient

__all__ = ["DueItem", "PlanRuleBroken", "PlannedStay", "Record", "RecordKind", "StayStatus"]

# The interruptions (avbrott i processen) after which the stay's SVU process has ended (ADR 0014); a move to another
# municipality is not one: the new municipality takes over the case.
ENDING_INTERRUPTIONS = {"declined_support": "the patient declines support", "died": "the patient died"}


@dataclass(frozen=True)
class PlannedStay:
    stay_id: str
    patient_id: str | None  # None until the patient's identity has come (its own event, ADR 0028)
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
    municipality_input: Record | None = None  # planeringsunderlag, one per receiver kind (ADR 0014)
    primary_care_input: Record | None = None
    former_municipalities: tuple[str, ...] = ()  # the patient moved (folkbokföring): oldest first
    interrupted_at: datetime | None = None  # avbrott i processen that ended it (declined support, died)
    interruption: str | None = None
    interruption_note: str | None = None
    ready_received_at: datetime | None = None  # a backdated notice's receipt; `ready_at` is its real send time
    ready_backdating_reason: str | None = None

    # --- the ward's facts (events) ---

    @property
    def notice_on_time(self) -> bool | None:
        return None if self.notice_deadline is None else self.notice_sent_at <= self.notice_deadline

    @property
    def process_ended(self) -> bool:
        """The SVU process is over before its time: the notice was cancelled, or an interruption ended it."""
        return self.status is StayStatus.CANCELLED or self.interrupted_at is not None

    def check_has_patient(self, ward: str, act: str) -> None:
        """Patientdatalagen 4 kap. 1 § (ADR 0025): only the ward that has the patient now acts on the stay; a ward
        the patient has left keeps reading it."""
        check_has_patient(self.stay_id, self.care_unit, ward, act, PlanRuleBroken)

    def receivers(self) -> set[tuple[str, str]]:
        """The receivers (kind, id) that have a part in the stay now; none once the process has ended."""
        if self.process_ended:
            return set()
        found = {("municipality", self.municipality)}
        return found | {("primary_care", self.primary_care_unit)} if self.primary_care_unit else found

    def discharge_ready(self, sent_at: datetime) -> "PlannedStay":
        if self.status is not StayStatus.ADMITTED:
            return self  # a repeated notice does not restart anything; a closed stay stays closed
        due_at = self.sip_due_at if self.sip_invited_at else sip_invitation_due(sent_at)
        return replace(
            self,
            status=StayStatus.DISCHARGE_READY,
            ready_at=sent_at,
            sip_due_at=due_at,
            ready_received_at=None,
            ready_backdating_reason=None,
        )

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

    def ready_backdated(self, sent_at: datetime, received_at: datetime, reason: str) -> "PlannedStay":
        """The notice that opened the current ready period was really sent at `sent_at` (on paper): the ready time
        and the SIP deadline counted from it move back. A backdating of a notice that no longer opens the stay's
        period (withdrawn, or a repeat) changes nothing here; the timeline still shows it (ADR 0014)."""
        if self.status is StayStatus.CANCELLED:
            return self
        if (self.ready_at, self.ready_received_at) == (sent_at, received_at):
            raise DuplicateEvent(f"stay {self.stay_id}: the same backdating again")
        if self.ready_at is None or self.ready_at != received_at:
            return self
        moves_deadline = self.sip_due_at == sip_invitation_due(received_at)
        return replace(
            self,
            ready_at=sent_at,
            ready_received_at=received_at,
            ready_backdating_reason=reason,
            sip_due_at=sip_invitation_due(sent_at) if moves_deadline else self.sip_due_at,
        )

    def notice_again(self, notice: "PlannedStay") -> None:
        """A second admission notice for this stay: the same one again, or a contradiction. Times the ward may
        correct (admission, deadline, vårdcentral) and a later move are left out of the comparison: a correction
        and a move have their own events."""
        same: tuple[str, ...] = ("notice_care_unit", "notice_sent_at")
        if notice.patient_id is not None:  # a first-version notice carries the identity too (ADR 0028)
            same += ("patient_id", "protected_identity")
        notice_municipality = (self.former_municipalities or (self.municipality,))[0]
        if notice_municipality == notice.municipality and all(getattr(self, f) == getattr(notice, f) for f in same):
            raise DuplicateEvent(f"stay {self.stay_id}: the same admission notice again")
        raise RejectedEvent(
            f"stay {self.stay_id} already has an admission notice (sent {self.notice_sent_at.isoformat()}) that "
            "differs from this one: a stay has one notice; a change is a correction (notice_corrected), another "
            "admission has its own stay id (domain §2)"
        )

    def identified(
        self, patient_id: str, protected_identity: bool, name: str | None, address: str | None
    ) -> "PlannedStay":
        """Who the patient is, from the admission service's identity event (ADR 0028), before or after the notice:
        it replaces what the stay had; for a protected identity name and address are kept by no one (ADR 0011).
        A stay has one patient: another personnummer is refused (a notice for the wrong patient is cancelled and
        sent again, domain §2)."""
        if self.patient_id is not None and self.patient_id != patient_id:
            raise RejectedEvent(
                f"stay {self.stay_id} is another patient's: a stay has one patient; a notice for the wrong patient "
                "is cancelled and sent again (domain §2)"
            )
        if protected_identity:
            name = address = None
        identity = (patient_id, protected_identity, name, address)
        if (self.patient_id, self.protected_identity, self.patient_name, self.patient_address) == identity:
            raise DuplicateEvent(f"stay {self.stay_id}: the same identity again")
        return replace(
            self,
            patient_id=patient_id,
            protected_identity=protected_identity,
            patient_name=name,
            patient_address=address,
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

    def interrupted(self, reason: str, note: str, new_municipality: str | None, at: datetime) -> "PlannedStay":
        """Avbrott i processen (ADR 0014): declined support or death ends the process (every case closes); a move
        makes the new municipality the stay's (its case opens, the former one's closes). Applied whatever the
        stay's status but a cancellation: events of two topics may arrive in either order (architecture §3)."""
        if self.status is StayStatus.CANCELLED:
            return self
        if reason == "moved_municipality":
            if new_municipality is None:
                raise RejectedEvent(f"stay {self.stay_id}: a move (moved_municipality) names the new municipality")
            if new_municipality == self.municipality:
                if self.former_municipalities:
                    raise DuplicateEvent(f"stay {self.stay_id}: the same move to {new_municipality} again")
                raise RejectedEvent(f"stay {self.stay_id}: the patient is already registered in {new_municipality}")
            former = (*self.former_municipalities, self.municipality)
            return replace(self, municipality=new_municipality, former_municipalities=former)
        if (self.interruption, self.interrupted_at) == (reason, at):
            raise DuplicateEvent(f"stay {self.stay_id}: the same interruption again")
        return replace(self, interrupted_at=at, interruption=reason, interruption_note=note)

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
        plan_rules.check(self, kind, content)
        updated = replace(self, **{kind.value: content})  # type: ignore[arg-type]
        if kind is RecordKind.SIP_INVITATION and self.sip_invited_at is None:
            updated = replace(updated, sip_invited_at=content["recorded_at"])
        return updated

    # --- what is due (due.py) ---

    def sip_invitation_pending(self) -> bool:
        """A SIP invitation is due (the discharge-ready notice came) and has not been sent."""
        return due.sip_invitation_pending(self)

    def sip_invitation_overdue(self, now: datetime) -> bool:
        return due.sip_invitation_overdue(self, now)

    def sip_invitation_on_time(self) -> bool | None:
        """None while no invitation is due or none was sent."""
        if self.sip_due_at is None or self.sip_invited_at is None:
            return None
        return self.sip_invited_at < self.sip_due_at

    def due_items(self, party: str, now: datetime) -> list[DueItem]:
        """What the party still has to do on this stay, with the deadline where the law sets one."""
        return due.due_items(self, party, now)
