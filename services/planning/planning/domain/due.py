"""What is due on a stay, who owes it and by when, in words (domain §2, §5; ADR 0010, ADR 0014).

Each party's items: the vårdcentral names the care contact, decides on SIP and sends the SIP invitation (within 3
days of the discharge-ready notice); the municipality decides before discharge whether it can receive the patient;
the ward keeps the kartläggning, sends information at discharge (no later than the day of discharge) and corrects a
notice a receiver returned as misrouted. Nothing is due on a cancelled stay or after an interruption that ended the
process. Every item says its state in words (Förfallen, not colour alone): `words`.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from planning.domain.case import Case
from planning.domain.deadlines import information_due, last_day
from planning.domain.kinds import DueItem, PartyKind, StayStatus

if TYPE_CHECKING:
    from planning.domain.stay import PlannedStay

LABELS = {
    "care_contact": "Fast vårdkontakt",
    "sip_decision": "Ställningstagande till SIP",
    "sip_invitation": "Kallelse till SIP",
    "receiving_decision": "Ställningstagande inför utskrivning",
    "assessment": "Kartläggning",
    "information_at_discharge": "Information vid utskrivning",
    "notice_correction": "Rätta eller makulera inskrivningsmeddelandet",
}
OWED_BY = {"ward": "avdelningen", "municipality": "kommunen", "primary_care": "vårdcentralen"}


class InformationState(StrEnum):
    """Information at discharge, in the discharge service's words (its epikris and läkemedelslista)."""

    IN_TIME = "in_time"  # sent no later than the day of discharge
    LATE = "late"  # sent after the day of discharge (Sen)
    DUE = "due"  # not sent yet, the day of discharge has not ended
    OVERDUE = "overdue"  # not sent, the day of discharge has ended (Förfallen)
    NOT_REQUIRED = "not_required"  # cancelled, the process ended, or the patient died


SEVERITY = (InformationState.OVERDUE, InformationState.LATE, InformationState.DUE, InformationState.IN_TIME)


@dataclass(frozen=True)
class Information:
    due_before: datetime | None  # the first late instant; None before the discharge
    state: InformationState  # the worse of the two documents'


def information(stay: "PlannedStay", now: datetime) -> Information:
    if stay.process_ended or stay.destination == "deceased":
        return Information(None, InformationState.NOT_REQUIRED)
    due_before = None if stay.discharged_at is None else information_due(stay.discharged_at)

    def state(sent_at: datetime | None) -> InformationState:
        if sent_at is not None:
            return InformationState.LATE if due_before and sent_at >= due_before else InformationState.IN_TIME
        return InformationState.OVERDUE if due_before and now >= due_before else InformationState.DUE

    states = {state(stay.epicrisis_sent_at), state(stay.medication_list_sent_at)}
    return Information(due_before, next(s for s in SEVERITY if s in states))


def item(what: str, due_at: datetime | None, overdue: bool, owed_by: PartyKind, note: str | None = None) -> DueItem:
    if due_at is None:
        state = "att göra"
    else:
        state = f"förfallen, senast {last_day(due_at).isoformat()}" if overdue else f"senast {last_day(due_at)}"
    words = f"{LABELS[what]} ({OWED_BY[owed_by]}): {state}" + (f"; {note}" if note else "")
    return DueItem(what, due_at, overdue, owed_by, words)


def sip_invitation_pending(stay: "PlannedStay") -> bool:
    """A SIP invitation is due (the discharge-ready notice came) and has not been sent."""
    return (
        stay.sip_due_at is not None
        and stay.sip_invited_at is None
        and stay.sip_needed is not False
        and not stay.process_ended
    )


def sip_invitation_overdue(stay: "PlannedStay", now: datetime) -> bool:
    return sip_invitation_pending(stay) and now >= stay.sip_due_at  # type: ignore[operator]


def due_items(stay: "PlannedStay", party: str, now: datetime) -> list[DueItem]:
    """What `party` still has to do on the stay, with the deadline where the law sets one."""
    if stay.process_ended:
        return []
    if party == "ward":
        return _ward(stay, now)
    if stay.status is StayStatus.DISCHARGED:
        return []
    items: list[DueItem] = []
    if party == "primary_care":
        if stay.care_contact is None:
            items.append(item("care_contact", None, False, "primary_care"))
        if stay.sip_decision is None:
            items.append(item("sip_decision", None, False, "primary_care"))
        if sip_invitation_pending(stay):
            items.append(item("sip_invitation", stay.sip_due_at, sip_invitation_overdue(stay, now), "primary_care"))
    elif stay.status is StayStatus.DISCHARGE_READY and stay.receiving_decision is None:
        items.append(item("receiving_decision", None, False, "municipality"))
    return items


def _ward(stay: "PlannedStay", now: datetime) -> list[DueItem]:
    items: list[DueItem] = []
    if stay.status is not StayStatus.DISCHARGED and stay.assessment is None:
        items.append(item("assessment", None, False, "ward"))
    info = information(stay, now)
    # From the discharge-ready notice on: before it the discharge is not in sight.
    if stay.status is not StayStatus.ADMITTED and info.state in (InformationState.DUE, InformationState.OVERDUE):
        note = None if info.due_before else "senast utskrivningsdagen"
        items.append(
            item("information_at_discharge", info.due_before, info.state is InformationState.OVERDUE, "ward", note)
        )
    return items


def corrections(stay: "PlannedStay", cases: list[Case]) -> list[DueItem]:
    """A case its receiver returned as misrouted, while the notice still names that receiver: the ward corrects
    the notice (vårdcentral) or cancels it (municipality)."""
    receivers = stay.receivers()
    return [
        item("notice_correction", None, False, "ward", f"ärendet returnerades av {c.receiver_id}: {c.closed_reason}")
        for c in cases
        if c.closed_as == "returned" and (c.receiver_kind, c.receiver_id) in receivers
    ]


def stay_due(stay: "PlannedStay", cases: list[Case], now: datetime) -> list[DueItem]:
    """Everything due on the stay, every party's (a receiver's while its case is open), overdue first."""
    items = _ward(stay, now) + corrections(stay, cases) if not stay.process_ended else []
    open_kinds = {c.receiver_kind for c in cases if c.closed_at is None}
    for kind in ("municipality", "primary_care"):
        if kind in open_kinds:
            items += due_items(stay, kind, now)
    return sorted(items, key=lambda i: (not i.overdue, i.due_at is None, i.due_at or now))
