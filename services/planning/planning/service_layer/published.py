"""What planning publishes (architecture §2): the domain's new state turned into its integration event, written to
the outbox in the transaction that saves the state (architecture §3). Nothing else builds a planning event."""

from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.feed import Feed
from planning.adapters.repository import StayRepository
from planning.adapters.tables import messaging
from planning.domain.case import Acknowledgement, Case
from planning.domain.message import Meddelande, WardAcknowledgement
from planning.domain.stay import PlannedStay, RecordKind
from svu_shared.contracts import (
    AssessmentRecorded,
    CareContactAssigned,
    CaseClosed,
    CaseOpened,
    IntegrationEvent,
    MessageAcknowledged,
    ReceivingDecided,
    SipAgreed,
    SipDecided,
    SipInvitationSent,
    StayEvent,
)
from svu_shared.contracts.planning import (
    CaseReturned,
    MessageAcknowledgedByWard,
    MessageSent,
    PlanningInputRecorded,
    RecordedOnStay,
)
from svu_shared.envelope import CloudEvent
from svu_shared.outbox import add_to_outbox

RECORD_EVENTS: dict[RecordKind, type[RecordedOnStay]] = {
    RecordKind.CARE_CONTACT: CareContactAssigned,
    RecordKind.ASSESSMENT: AssessmentRecorded,
    RecordKind.MUNICIPALITY_INPUT: PlanningInputRecorded,
    RecordKind.PRIMARY_CARE_INPUT: PlanningInputRecorded,
    RecordKind.SIP_DECISION: SipDecided,
    RecordKind.SIP_INVITATION: SipInvitationSent,
    RecordKind.SIP: SipAgreed,
    RecordKind.RECEIVING_DECISION: ReceivingDecided,
}


def recorded(stay: PlannedStay, kind: RecordKind) -> RecordedOnStay:
    """The record as the stay now keeps it: the content entered, when and by whom."""
    return RECORD_EVENTS[kind](stay_id=stay.stay_id, **getattr(stay, kind.value))


def case_changed(case: Case) -> CaseOpened | CaseClosed | CaseReturned:
    """A case that is open now was opened (or reopened); one that is closed now was closed, or returned by its
    receiver (which closes it: no `case_closed` follows, ADR 0014)."""
    if case.closed_at is None:
        return CaseOpened(
            stay_id=case.stay_id,
            case_id=case.case_id,
            receiver_kind=case.receiver_kind,
            receiver_id=case.receiver_id,
            opened_at=case.opened_at,
        )
    assert case.closed_reason is not None
    if case.closed_as == "returned":
        assert case.closed_by is not None
        return CaseReturned(
            stay_id=case.stay_id,
            case_id=case.case_id,
            receiver_kind=case.receiver_kind,
            receiver_id=case.receiver_id,
            reason=case.closed_reason,
            returned_by=case.closed_by,
            returned_at=case.closed_at,
        )
    return CaseClosed(
        stay_id=case.stay_id,
        case_id=case.case_id,
        receiver_kind=case.receiver_kind,
        receiver_id=case.receiver_id,
        reason=case.closed_reason,
        closed_at=case.closed_at,
        closed_as=case.closed_as,
        closed_by=case.closed_by,
    )


def acknowledged(case: Case, acknowledgement: Acknowledgement) -> MessageAcknowledged:
    return MessageAcknowledged(
        stay_id=case.stay_id,
        message_id=acknowledgement.message_id,
        case_id=case.case_id,
        receiver_kind=case.receiver_kind,
        receiver_id=case.receiver_id,
        acknowledged_at=acknowledgement.acknowledged_at,
        acknowledged_by=acknowledgement.acknowledged_by,
    )


def acknowledged_by_ward(stay_id: str, acknowledgement: WardAcknowledgement) -> MessageAcknowledgedByWard:
    return MessageAcknowledgedByWard(stay_id=stay_id, **acknowledgement.__dict__)


def message_sent(message: Meddelande) -> MessageSent:
    return MessageSent(
        stay_id=message.stay_id,
        text=message.text,
        sender_role=message.sender.kind,  # type: ignore[arg-type]
        sender_org=message.sender.org,
        sender_subject=message.sender_subject[:200],
        sender_name=message.sender_subject[:200],  # the principal carries no name: its subject (ADR 0014)
        to_role=message.to.kind if message.to else None,  # type: ignore[arg-type]
        to_org=message.to.org if message.to else None,
        sent_at=message.sent_at,
    )


async def publish(session: AsyncSession, event: IntegrationEvent) -> CloudEvent:
    """Into the outbox, and into the feed of the stay's municipality (ADR 0022) unless it is a meddelande to
    another party alone."""
    envelope = await add_to_outbox(session, messaging.outbox, event)
    # Only a meddelande has an addressee (a getattr on every event costs pydantic's failed-attribute path).
    to_role = event.to_role if isinstance(event, MessageSent) else None
    if isinstance(event, StayEvent) and to_role in (None, "municipality"):
        if (municipality := await StayRepository(session).municipality_of(event.stay_id)) is not None:
            await Feed(session).add(envelope, event.stay_id, municipality)
    return envelope
