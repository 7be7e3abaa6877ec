"""A stay's way out of hospital as the ward records it (domain §2): ready, withdrawn, discharged.

Each method checks the process rule and returns the integration event to publish; a broken rule raises
`DischargeRuleBroken`, which the API answers with 409 and this message.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class DischargeRuleBroken(Exception):
    pass


class Status(StrEnum):
    ADMITTED = "admitted"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGED = "discharged"


@dataclass(frozen=True)
class DischargeTimeline:
    stay_id: str
    status: Status = Status.ADMITTED
    ready_since: datetime | None = None
    discharged_at: datetime | None = None
    destination: str | None = None

    def notify_ready(self, judged_at: datetime, sent_at: datetime) -> "DischargeTimeline":
        if self.status is Status.DISCHARGED:
            raise DischargeRuleBroken(
                "the patient is already discharged; a discharge-ready notice needs an admitted patient"
            )
        if judged_at > sent_at:
            raise DischargeRuleBroken("judged_at cannot be after the notice was sent")
        # Domain §3.1 rule 2: a repeated notice while ready does not restart the period.
        return replace(self, status=Status.DISCHARGE_READY, ready_since=self.ready_since or sent_at)

    def withdraw(self, withdrawn_at: datetime) -> "DischargeTimeline":
        if self.status is not Status.DISCHARGE_READY:
            raise DischargeRuleBroken(
                f"only a discharge-ready patient can have the notice withdrawn (status: {self.status})"
            )
        if self.ready_since and withdrawn_at < self.ready_since:
            raise DischargeRuleBroken("withdrawn_at cannot be before the discharge-ready notice")
        return replace(self, status=Status.ADMITTED, ready_since=None)

    def discharge(self, discharged_at: datetime, destination: str) -> "DischargeTimeline":
        if self.status is Status.DISCHARGED:
            raise DischargeRuleBroken("the patient is already discharged; a stay has one discharge")
        if self.ready_since and discharged_at < self.ready_since:
            raise DischargeRuleBroken("discharged_at cannot be before the discharge-ready notice")
        return replace(self, status=Status.DISCHARGED, discharged_at=discharged_at, destination=destination)
