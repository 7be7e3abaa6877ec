"""A receiver's case (ärende) for one stay (domain §2): the municipality's, and the vårdcentral's when known.

The stay's process state lives in `PlannedStay`; a case adds who receives it and whether it was closed early
(the patient's vårdcentral changed). A transfer between wards keeps the case.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

ReceiverKind = Literal["municipality", "primary_care"]


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


def case_id(stay_id: str, receiver_kind: ReceiverKind, receiver_id: str) -> str:
    return f"{stay_id}:{receiver_kind}:{receiver_id}"


def municipality_case_id(stay_id: str, municipality: str) -> str:
    return case_id(stay_id, "municipality", municipality)
