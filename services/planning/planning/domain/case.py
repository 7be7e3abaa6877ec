"""A receiver's case (ärende) for one stay, and how the ward's events move it (domain §2).

The planning service opens one case per receiver when the admission notice arrives. Discharge events
may arrive first (they travel on another topic): they are parked and applied when the case opens
(architecture §3), never dropped.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Case:
    case_id: str
    stay_id: str
    receiver_kind: str
    receiver_id: str
    patient_id: str
    care_unit: str
    admitted_at: datetime
    opened_at: datetime
    status: CaseStatus = CaseStatus.OPEN
    discharge_ready_at: datetime | None = None
    discharged_at: datetime | None = None
    destination: str | None = None

    def discharge_ready(self, sent_at: datetime) -> "Case":
        if self.status in (CaseStatus.DISCHARGED, CaseStatus.CANCELLED):
            return self
        return replace(self, status=CaseStatus.DISCHARGE_READY, discharge_ready_at=self.discharge_ready_at or sent_at)

    def ready_withdrawn(self) -> "Case":
        if self.status is not CaseStatus.DISCHARGE_READY:
            return self
        return replace(self, status=CaseStatus.OPEN, discharge_ready_at=None)

    def discharged(self, at: datetime, destination: str) -> "Case":
        if self.status is CaseStatus.CANCELLED:
            return self  # a cancelled case stays closed; the ward's later events do not reopen it
        return replace(self, status=CaseStatus.DISCHARGED, discharged_at=at, destination=destination)

    def cancelled(self) -> "Case":
        # The ward cancelled the notice (makulering): the receiver has nothing more to plan.
        return replace(self, status=CaseStatus.CANCELLED)

    def transferred(self, to_care_unit: str) -> "Case":
        # Domain §2: a transfer inside the region keeps the case; the receiving ward is the counterpart now.
        return replace(self, care_unit=to_care_unit)


def municipality_case_id(stay_id: str, municipality: str) -> str:
    return f"{stay_id}:municipality:{municipality}"
