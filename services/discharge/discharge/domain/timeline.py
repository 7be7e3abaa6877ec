"""A stay's way out of hospital as the ward records it (domain §2): the estimated date, ready, withdrawn,
information at discharge, discharged.

Each method checks the process rule and returns the new timeline; a broken rule raises `DischargeRuleBroken`,
which the API answers with 409 and this message. The stay's cancellation (makulering) comes from the admission
service as an event: after it, nothing more is recorded.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.rules import RuleBroken


class DischargeRuleBroken(RuleBroken):
    pass


class Status(StrEnum):
    ADMITTED = "admitted"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"


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

    def _check_open(self, what: str) -> None:
        if self.status is Status.CANCELLED:
            raise DischargeRuleBroken(f"stay {self.stay_id} was cancelled (makulerad): {what} needs a live stay")
        if self.status is Status.DISCHARGED:
            raise DischargeRuleBroken(f"the patient is already discharged; {what} needs an admitted patient")

    def notify_ready(self, judged_at: datetime, sent_at: datetime) -> "DischargeTimeline":
        self._check_open("a discharge-ready notice")
        if judged_at > sent_at:
            raise DischargeRuleBroken("judged_at cannot be after the notice was sent")
        # Domain §3.1 rule 2: a repeated notice while ready does not restart the period. After a withdrawal
        # (ready_since is cleared) a new notice opens a new period.
        return replace(self, status=Status.DISCHARGE_READY, ready_since=self.ready_since or sent_at)

    def withdraw(self, withdrawn_at: datetime) -> "DischargeTimeline":
        if self.status is not Status.DISCHARGE_READY:
            raise DischargeRuleBroken(
                f"only a discharge-ready patient can have the notice withdrawn (status: {self.status})"
            )
        if self.ready_since and withdrawn_at < self.ready_since:
            raise DischargeRuleBroken("withdrawn_at cannot be before the discharge-ready notice")
        return replace(self, status=Status.ADMITTED, ready_since=None, withdrawals=self.withdrawals + 1)

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
        if epicrisis_at is None and medication_list_at is None:
            raise DischargeRuleBroken("information at discharge names at least one of epicrisis and medication list")
        return replace(
            self,
            epicrisis_sent_at=epicrisis_at or self.epicrisis_sent_at,
            medication_list_sent_at=medication_list_at or self.medication_list_sent_at,
        )

    def discharge(self, discharged_at: datetime, destination: str) -> "DischargeTimeline":
        if self.status is Status.DISCHARGED:
            raise DischargeRuleBroken("the patient is already discharged; a stay has one discharge")
        self._check_open("a discharge")
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
            estimated_discharge_date=self.estimated_discharge_date or estimated,
        )

    def transferred(self, ward: str) -> "DischargeTimeline":
        return replace(self, wards=tuple(dict.fromkeys([*self.wards, ward])))

    def cancelled(self) -> "DischargeTimeline":
        """The admission service cancelled the stay's notice (an event, not a command: it always applies)."""
        return replace(self, status=Status.CANCELLED)
