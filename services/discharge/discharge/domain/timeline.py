"""A stay's way out of hospital as the ward records it (domain §2): the estimated date, ready (and the backdating of
a notice sent on paper), withdrawn, information at discharge, discharged.

Each method checks the process rule and returns the new timeline; a broken rule raises `DischargeRuleBroken`,
which the API answers with 409 and this message. The stay's cancellation (makulering) and interruption (avbrott i
processen) come from the admission service as events: after a cancellation, declined support or death, nothing
more is recorded (ADR 0015).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from discharge.domain.information import InformationDeadline, information_deadline
from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.rules import ENDING_INTERRUPTIONS, RuleBroken, check_has_patient


class DischargeRuleBroken(RuleBroken):
    pass


class Status(StrEnum):
    ADMITTED = "admitted"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # declined support or died before discharge: the SVU process has ended


@dataclass(frozen=True)
class DischargeTimeline:
    stay_id: str
    status: Status = Status.ADMITTED
    ready_since: datetime | None = None
    discharged_at: datetime | None = None
    destination: str | None = None
    estimated_discharge_date: date | None = None
    epicrisis_sent_at: datetime | None = None
    medication_list_sent_at: datetime | None = None
    withdrawals: int = 0
    # From the admission events: who may see and act on the stay (ADR 0011).
    municipality: str | None = None
    wards: tuple[str, ...] = ()
    # The ward that has the patient now (the notice's, then each transfer's receiving ward): it alone acts (ADR 0025).
    care_unit: str | None = None
    # The notice that opened the latest ready period: the server's receipt time and the physician's judgement; the
    # withdrawal that closed the period before it; the latest withdrawal. A backdating is checked against them.
    ready_received_at: datetime | None = None
    ready_judged_at: datetime | None = None
    previous_period_closed_at: datetime | None = None
    withdrawn_at: datetime | None = None
    # The backdating of that notice (a paper notice during an outage), once per notice (ADR 0015).
    backdated_sent_at: datetime | None = None
    backdating_reason: str | None = None
    backdated_at: datetime | None = None
    # From the admission service: an interruption that ended the process (declined support, death).
    interruption_reason: str | None = None
    interrupted_at: datetime | None = None

    def check_has_patient(self, ward: str, act: str) -> None:
        """Patientdatalagen 4 kap. 1 § (ADR 0025): a ward the patient has left reads the stay but records nothing."""
        check_has_patient(self.stay_id, self.care_unit, ward, act, DischargeRuleBroken)

    def _check_not_ended(self, what: str) -> None:
        if self.status is Status.CANCELLED:
            raise DischargeRuleBroken(f"stay {self.stay_id} was cancelled (makulerad): {what} needs a live stay")
        self._check_not_interrupted(what)

    def _check_not_interrupted(self, what: str) -> None:
        if self.interruption_reason in ENDING_INTERRUPTIONS and self.interrupted_at is not None:
            raise DischargeRuleBroken(
                f"the SVU process of stay {self.stay_id} ended at {self.interrupted_at.isoformat()}: "
                f"{ENDING_INTERRUPTIONS[self.interruption_reason]} (avbrott i processen); {what} is not recorded"
            )

    def _check_open(self, what: str) -> None:
        self._check_not_ended(what)
        if self.status is Status.DISCHARGED:
            raise DischargeRuleBroken(f"the patient is already discharged; {what} needs an admitted patient")

    def information_deadline(self, now: datetime) -> InformationDeadline:
        """Information at discharge, due no later than the day of discharge (domain §2), as of `now`."""
        required = self.status is not Status.CANCELLED and self.interruption_reason is None
        return information_deadline(
            self.discharged_at,
            self.epicrisis_sent_at,
            self.medication_list_sent_at,
            now,
            required=required and self.destination != "deceased",
        )

    def notify_ready(self, judged_at: datetime, received_at: datetime) -> "DischargeTimeline":
        """`received_at` is the server's time of receipt: the notice's send time, which starts the payment clock
        (domain §2); only a reasoned backdating moves it (`backdate`)."""
        self._check_open("a discharge-ready notice")
        if judged_at > received_at:
            raise DischargeRuleBroken("judged_at cannot be after the notice was sent")
        if self.ready_since is not None:
            # Domain §3.1 rule 2: a repeated notice while ready does not restart the period.
            return replace(self, status=Status.DISCHARGE_READY)
        # The first notice, or a new one after a withdrawal (ready_since is cleared): a new period.
        return replace(
            self,
            status=Status.DISCHARGE_READY,
            ready_since=received_at,
            ready_received_at=received_at,
            ready_judged_at=judged_at,
            previous_period_closed_at=self.withdrawn_at,
            backdated_sent_at=None,
            backdating_reason=None,
            backdated_at=None,
        )

    def backdate(self, sent_at: datetime, reason: str, now: datetime) -> "DischargeTimeline":
        """Rättelse av sändningstid: the notice that opened the latest ready period (open or closed) was sent
        earlier, on paper during an outage. Once per notice; never later than its receipt, earlier than the
        physician's judgement or the previous period's withdrawal, or in the future (ADR 0015)."""
        self._check_not_ended("a backdating")
        if self.ready_received_at is None:
            raise DischargeRuleBroken(f"stay {self.stay_id} has no discharge-ready notice to backdate")
        received = self.ready_received_at.isoformat()
        if self.backdated_sent_at is not None and self.backdated_at is not None:
            raise DischargeRuleBroken(
                f"the discharge-ready notice received at {received} was already backdated to "
                f"{self.backdated_sent_at.isoformat()} (at {self.backdated_at.isoformat()}): a notice is backdated once"
            )
        if sent_at > now:
            raise DischargeRuleBroken("sent_at cannot be in the future")
        if sent_at > self.ready_received_at:
            raise DischargeRuleBroken(f"sent_at cannot be after the notice was received ({received})")
        if self.ready_judged_at is not None and sent_at < self.ready_judged_at:
            raise DischargeRuleBroken(
                f"sent_at cannot be before the physician's judgement (judged_at {self.ready_judged_at.isoformat()})"
            )
        if self.previous_period_closed_at is not None and sent_at < self.previous_period_closed_at:
            raise DischargeRuleBroken(
                "sent_at cannot be before the previous ready period was withdrawn "
                f"({self.previous_period_closed_at.isoformat()})"
            )
        return replace(
            self,
            ready_since=sent_at if self.ready_since is not None else None,  # a withdrawn period stays closed
            backdated_sent_at=sent_at,
            backdating_reason=reason,
            backdated_at=now,
        )

    def withdraw(self, withdrawn_at: datetime) -> "DischargeTimeline":
        self._check_not_interrupted("a withdrawal")
        if self.status is not Status.DISCHARGE_READY:
            raise DischargeRuleBroken(
                f"only a discharge-ready patient can have the notice withdrawn (status: {self.status})"
            )
        if self.ready_since and withdrawn_at < self.ready_since:
            raise DischargeRuleBroken("withdrawn_at cannot be before the discharge-ready notice")
        return replace(
            self, status=Status.ADMITTED, ready_since=None, withdrawals=self.withdrawals + 1, withdrawn_at=withdrawn_at
        )

    def estimate(self, estimated: date) -> "DischargeTimeline":
        self._check_open("a new estimated discharge date")
        if estimated == self.estimated_discharge_date:
            raise DischargeRuleBroken(f"the estimated discharge date is already {estimated.isoformat()}")
        return replace(self, estimated_discharge_date=estimated)

    def information_sent(
        self, epicrisis_at: datetime | None, medication_list_at: datetime | None
    ) -> "DischargeTimeline":
        # Allowed after discharge too: the law's deadline is the day of discharge, and a late sending is still a
        # fact the receivers need; the read models show whether it came in time.
        if self.status is Status.CANCELLED:
            raise DischargeRuleBroken(f"stay {self.stay_id} was cancelled (makulerad): there is nothing to inform of")
        self._check_not_interrupted("information at discharge")
        if epicrisis_at is None and medication_list_at is None:
            raise DischargeRuleBroken("information at discharge names at least one of epicrisis and medication list")
        return replace(
            self,
            epicrisis_sent_at=epicrisis_at or self.epicrisis_sent_at,
            medication_list_sent_at=medication_list_at or self.medication_list_sent_at,
        )

    def discharge(self, discharged_at: datetime, destination: str) -> "DischargeTimeline":
        self._check_not_ended("a discharge")
        if self.status is Status.DISCHARGED:
            raise DischargeRuleBroken("the patient is already discharged; a stay has one discharge")
        if self.ready_since and discharged_at < self.ready_since:
            raise DischargeRuleBroken("discharged_at cannot be before the discharge-ready notice")
        return replace(self, status=Status.DISCHARGED, discharged_at=discharged_at, destination=destination)

    def admitted(self, municipality: str, ward: str, estimated: date | None) -> "DischargeTimeline":
        """The admission notice reached this service (possibly after the ward's first discharge events). A second
        notice is the same one again (a no-op) or a contradiction, refused (ADR 0012)."""
        if self.municipality is not None:
            if (self.municipality, self.wards[:1]) == (municipality, (ward,)):
                raise DuplicateEvent(f"stay {self.stay_id}: the same admission notice again")
            raise RejectedEvent(
                f"stay {self.stay_id} already has an admission notice (municipality {self.municipality}, ward "
                f"{self.wards[0] if self.wards else '?'}): a stay has one notice (domain §2)"
            )
        return replace(
            self,
            municipality=municipality,
            wards=tuple(dict.fromkeys([*self.wards, ward])),
            care_unit=self.care_unit or ward,  # a transfer that came first keeps its ward
            estimated_discharge_date=self.estimated_discharge_date or estimated,
        )

    def transferred(self, ward: str) -> "DischargeTimeline":
        """The receiving ward has the patient now; the wards before it keep reading the stay."""
        return replace(self, wards=tuple(dict.fromkeys([*self.wards, ward])), care_unit=ward)

    def cancelled(self) -> "DischargeTimeline":
        """The admission service cancelled the stay's notice (an event, not a command: it always applies)."""
        return replace(self, status=Status.CANCELLED)

    def interrupted(self, reason: str, at: datetime, new_municipality: str | None) -> "DischargeTimeline":
        """The admission service recorded an avbrott i processen (an event: it applies whatever the timeline is).
        A move changes the stay's municipality, and who may see it (ADR 0011); declined support and death end the
        process: nothing more is recorded. The same fact again is a no-op, another ending a contradiction."""
        if reason == "moved_municipality":
            if new_municipality is None or self.municipality is None:
                raise RejectedEvent(f"stay {self.stay_id}: a move needs the new municipality and an admitted stay")
            if new_municipality == self.municipality:
                raise DuplicateEvent(f"stay {self.stay_id}: the patient is already registered in {new_municipality}")
            return replace(self, municipality=new_municipality)
        if self.interruption_reason is not None:
            if self.interruption_reason == reason:
                raise DuplicateEvent(f"stay {self.stay_id}: the same interruption again")
            raise RejectedEvent(
                f"the SVU process of stay {self.stay_id} has already ended ({self.interruption_reason})"
            )
        ended = self.status if self.status in (Status.DISCHARGED, Status.CANCELLED) else Status.INTERRUPTED
        return replace(self, status=ended, interruption_reason=reason, interrupted_at=at)
