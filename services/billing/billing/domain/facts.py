"""What billing knows of a stay: timestamped facts taken from the event log, each with the event id behind it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from svu_shared.facts import DuplicateEvent, RejectedEvent


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


# A stay has one admission notice and one discharge (domain §2); the other facts may recur.
ONCE_PER_STAY = (FactKind.ADMISSION_NOTICE, FactKind.DISCHARGED)


def check_new_fact(known: Iterable[StayFact], fact: StayFact) -> None:
    """Before a fact from the event log is kept (ADR 0012): the same fact under another event id is a duplicate
    (`DuplicateEvent`, a no-op); a second, different notice or discharge is refused (`RejectedEvent`)."""
    content = (fact.kind, fact.at, fact.municipality, fact.care_type)
    for earlier in known:
        if (earlier.kind, earlier.at, earlier.municipality, earlier.care_type) == content:
            raise DuplicateEvent(f"stay {fact.stay_id}: {fact.kind} at {fact.at.isoformat()} is known already")
        if fact.kind in ONCE_PER_STAY and earlier.kind is fact.kind:
            raise RejectedEvent(
                f"stay {fact.stay_id} already has its {fact.kind} at {earlier.at.isoformat()} (event "
                f"{earlier.event_id}): a stay has one (domain §2)"
            )
