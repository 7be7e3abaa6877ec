"""A receiver's case (ärende) for one stay (domain §2): the municipality's, and the vårdcentral's when known.

The stay's process state lives in `PlannedStay`; a case adds who receives it and whether it was closed early
(the patient's vårdcentral changed). A transfer between wards keeps the case.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

ReceiverKind = Literal["municipality", "primary_care"]
VARDCENTRAL_CORRECTED = "the patient's vårdcentral was corrected"


@dataclass(frozen=True)
class Case:
    case_id: str
    stay_id: str
    receiver_kind: ReceiverKind
    receiver_id: str
    opened_at: datetime
    closed_at: datetime | None = None
    closed_reason: str | None = None

    def closed(self, at: datetime, reason: str) -> "Case":
        return replace(self, closed_at=at, closed_reason=reason)

    def reopened(self, at: datetime) -> "Case":
        """The receiver is the stay's again (a vårdcentral corrected away and back): the same case, open anew."""
        return replace(self, opened_at=at, closed_at=None, closed_reason=None)

    def acknowledge(self, message_id: str, at: datetime) -> "Acknowledgement":
        """Kvittens (domain §2): the case's receiver has read one message of the stay; given once per message."""
        return Acknowledgement(message_id, self.case_id, at)


@dataclass(frozen=True)
class Acknowledgement:
    message_id: str
    case_id: str
    acknowledged_at: datetime


def opened_case(
    stay_cases: list[Case], stay_id: str, kind: ReceiverKind, receiver_id: str, at: datetime
) -> Case | None:
    """The receiver's case, once per stay (ADR 0012): a new one, or its closed one reopened; None while it is open."""
    the_id = case_id(stay_id, kind, receiver_id)
    existing = next((c for c in stay_cases if c.case_id == the_id), None)
    if existing is None:
        return Case(the_id, stay_id, kind, receiver_id, opened_at=at)
    return existing.reopened(at) if existing.closed_at is not None else None


def closed_for_vardcentral(stay_cases: list[Case], vardcentral: str | None, at: datetime) -> list[Case]:
    """A corrected vårdcentral: the open cases of the former ones close (the new one's case opens apart)."""
    return [
        c.closed(at, VARDCENTRAL_CORRECTED)
        for c in stay_cases
        if c.receiver_kind == "primary_care" and c.receiver_id != vardcentral and c.closed_at is None
    ]


def case_id(stay_id: str, receiver_kind: ReceiverKind, receiver_id: str) -> str:
    return f"{stay_id}:{receiver_kind}:{receiver_id}"


def municipality_case_id(stay_id: str, municipality: str) -> str:
    return case_id(stay_id, "municipality", municipality)
