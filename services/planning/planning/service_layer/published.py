"""What planning publishes (architecture §2): the domain's new state turned into its integration event, written to
the outbox in the transaction that saves the state (architecture §3). Nothing else builds a planning event."""

from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import messaging
from planning.domain.case import Acknowledgement, Case
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
)
from svu_shared.contracts.planning import RecordedOnStay
from svu_shared.envelope import CloudEvent
from svu_shared.outbox import add_to_outbox

RECORD_EVENTS: dict[RecordKind, type[RecordedOnStay]] = {
    RecordKind.CARE_CONTACT: CareContactAssigned,
    RecordKind.ASSESSMENT: AssessmentRecorded,
    RecordKind.SIP_DECISION: SipDecided,
    RecordKind.SIP_INVITATION: SipInvitationSent,
    RecordKind.SIP: SipAgreed,
    RecordKind.RECEIVING_DECISION: ReceivingDecided,
}


def recorded(stay: PlannedStay, kind: RecordKind) -> RecordedOnStay:
    """The record as the stay now keeps it: the content entered, when and by whom."""
    return RECORD_EVENTS[kind](stay_id=stay.stay_id, **getattr(stay, kind.value))


def case_changed(case: Case) -> CaseOpened | CaseClosed:
    """A case that is open now was opened (or reopened); one that is closed now was closed."""
    if case.closed_at is None:
        return CaseOpened(
            stay_id=case.stay_id,
            case_id=case.case_id,
            receiver_kind=case.receiver_kind,
            receiver_id=case.receiver_id,
            opened_at=case.opened_at,
        )
    assert case.closed_reason is not None
    return CaseClosed(
        stay_id=case.stay_id,
        case_id=case.case_id,
        receiver_kind=case.receiver_kind,
        receiver_id=case.receiver_id,
        reason=case.closed_reason,
        closed_at=case.closed_at,
    )


def acknowledged(case: Case, acknowledgement: Acknowledgement) -> MessageAcknowledged:
    return MessageAcknowledged(
        stay_id=case.stay_id,
        message_id=acknowledgement.message_id,
        case_id=case.case_id,
        receiver_kind=case.receiver_kind,
        receiver_id=case.receiver_id,
        acknowledged_at=acknowledgement.acknowledged_at,
    )


async def publish(session: AsyncSession, event: IntegrationEvent) -> CloudEvent:
    return await add_to_outbox(session, messaging.outbox, event)
