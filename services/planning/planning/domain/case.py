"""A receiver's case (ärende) for one stay (domain §2): the municipality's, and the vårdcentral's when known.

The stay's process state lives in `PlannedStay`; a case adds who receives it and how it ended: its receiver is no
longer the stay's (a corrected vårdcentral, a move), the notice was cancelled, the process was interrupted, the
receiver returned it as misrouted, or closed it after discharge (avsluta ärende, ADR 0014). A transfer between
wards keeps the case.
"""

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from planning.domain.kinds import PlanRuleBroken

ReceiverKind = Literal["municipality", "primary_care"]
ClosedAs = Literal["receiver_changed", "cancelled", "interrupted", "returned", "closed_by_receiver"]
VARDCENTRAL_CORRECTED = "the patient's vårdcentral was corrected"
CLOSED_AFTER_DISCHARGE = "avslutat efter utskrivning"
REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class Case:
    case_id: str
    stay_id: str
    receiver_kind: ReceiverKind
    receiver_id: str
    opened_at: datetime
    closed_at: datetime | None = None
    closed_reason: str | None = None
    closed_as: ClosedAs | None = None
    closed_by: str | None = None  # the person (token subject) when the receiver closed or returned it

    def closed(
        self, at: datetime, reason: str, closed_as: ClosedAs = "receiver_changed", by: str | None = None
    ) -> "Case":
        return replace(self, closed_at=at, closed_reason=clipped(reason), closed_as=closed_as, closed_by=by)

    def reopened(self, at: datetime) -> "Case":
        """The receiver is the stay's again (a vårdcentral corrected away and back): the same case, open anew."""
        return replace(self, opened_at=at, closed_at=None, closed_reason=None, closed_as=None, closed_by=None)

    def returned(self, at: datetime, reason: str, by: str) -> "Case":
        """The receiver sends a misrouted case back to the ward (wrong municipality or vårdcentral): it closes, and
        the ward corrects or cancels its notice (ADR 0014)."""
        self._open("returned")
        return self.closed(at, reason, "returned", by)

    def closed_by_receiver(self, discharged: bool, at: datetime, reason: str | None, by: str) -> "Case":
        """Avsluta ärende: the receiver ends its work on the stay, after the patient's discharge only."""
        self._open("closed")
        if not discharged:
            raise PlanRuleBroken(
                "a case is closed (avsluta ärende) after the patient's discharge; the patient is not discharged yet "
                "(a misrouted case is returned instead)"
            )
        return self.closed(at, reason or CLOSED_AFTER_DISCHARGE, "closed_by_receiver", by)

    def _open(self, what: str) -> None:
        if self.closed_at is not None:
            raise PlanRuleBroken(
                f"case {self.case_id} was closed at {self.closed_at.isoformat()} ({self.closed_reason}): "
                f"a closed case cannot be {what}"
            )

    def acknowledge(self, message_id: str, at: datetime, by: str | None = None) -> "Acknowledgement":
        """Kvittens (domain §2): the case's receiver has read one message of the stay; given once per message, by
        the person `by` (their token's subject) for the organisation."""
        return Acknowledgement(message_id, self.case_id, at, by)


@dataclass(frozen=True)
class Acknowledgement:
    message_id: str
    case_id: str
    acknowledged_at: datetime
    acknowledged_by: str | None = None


def opened_case(
    stay_cases: list[Case], stay_id: str, kind: ReceiverKind, receiver_id: str, at: datetime
) -> Case | None:
    """The receiver's case, once per stay (ADR 0012): a new one, or its closed one reopened; None while it is open."""
    the_id = case_id(stay_id, kind, receiver_id)
    existing = next((c for c in stay_cases if c.case_id == the_id), None)
    if existing is None:
        return Case(the_id, stay_id, kind, receiver_id, opened_at=at)
    return existing.reopened(at) if existing.closed_at is not None else None


def cases_to_close(
    stay_cases: list[Case], receivers: Collection[tuple[str, str]], at: datetime, reason: str, closed_as: ClosedAs
) -> list[Case]:
    """The open cases whose receiver (kind, id) has no part in the stay any more, closed with the reason."""
    return [
        c.closed(at, reason, closed_as)
        for c in stay_cases
        if c.closed_at is None and (c.receiver_kind, c.receiver_id) not in receivers
    ]


def closed_for_vardcentral(stay_cases: list[Case], vardcentral: str | None, at: datetime) -> list[Case]:
    """A corrected vårdcentral: the open cases of the former ones close (the new one's case opens apart)."""
    primary_care = [c for c in stay_cases if c.receiver_kind == "primary_care"]
    receivers = {("primary_care", vardcentral)} if vardcentral else set()
    return cases_to_close(primary_care, receivers, at, VARDCENTRAL_CORRECTED, "receiver_changed")


def clipped(reason: str) -> str:
    """A reason fits its column and the event's bound (500): a longer one keeps its start and says it was cut."""
    return reason if len(reason) <= REASON_MAX_LENGTH else reason[: REASON_MAX_LENGTH - 1] + "…"


def case_id(stay_id: str, receiver_kind: ReceiverKind, receiver_id: str) -> str:
    return f"{stay_id}:{receiver_kind}:{receiver_id}"


def municipality_case_id(stay_id: str, municipality: str) -> str:
    return case_id(stay_id, "municipality", municipality)
