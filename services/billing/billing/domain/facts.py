"""What billing knows of a stay: timestamped facts taken from the event log, each with the event id behind it."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FactKind(StrEnum):
    ADMISSION_NOTICE = "admission_notice"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGE_READY_WITHDRAWN = "discharge_ready_withdrawn"
    SIP_INVITATION = "sip_invitation"
    DISCHARGED = "discharged"


# Facts at the same instant apply in process order (a notice and its withdrawal can share a timestamp).
PROCESS_ORDER = {kind: i for i, kind in enumerate(FactKind)}


@dataclass(frozen=True)
class StayFact:
    stay_id: str
    kind: FactKind
    at: datetime
    event_id: str
    municipality: str | None = None
    care_type: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError(f"stay {self.stay_id}: naive timestamp for {self.kind}; every time must carry an offset")
