"""The public contract: every integration event type, by its CloudEvents `type`."""

from svu_shared.contracts.admission import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    PatientTransferred,
)
from svu_shared.contracts.base import IntegrationEvent, StayEvent, UnknownEventType
from svu_shared.contracts.billing import CorrectionIssued, InvoiceIssued, SettlementCalculated
from svu_shared.contracts.discharge import (
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    PatientDischarged,
)
from svu_shared.contracts.planning import (
    AssessmentRecorded,
    CareContactAssigned,
    CaseClosed,
    CaseOpened,
    MessageAcknowledged,
    ReceivingDecided,
    SipAgreed,
    SipDecided,
    SipInvitationSent,
)

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (
    AdmissionNoticeSent,
    AdmissionNoticeCorrected,
    AdmissionNoticeCancelled,
    PatientTransferred,
    CaseOpened,
    CaseClosed,
    MessageAcknowledged,
    CareContactAssigned,
    AssessmentRecorded,
    SipDecided,
    SipInvitationSent,
    SipAgreed,
    ReceivingDecided,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    DischargeInformationSent,
    PatientDischarged,
    SettlementCalculated,
    InvoiceIssued,
    CorrectionIssued,
)
EVENTS_BY_TYPE: dict[str, type[IntegrationEvent]] = {e.event_type: e for e in ALL_EVENTS}


def event_model(event_type: str) -> type[IntegrationEvent]:
    try:
        return EVENTS_BY_TYPE[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


__all__ = [
    "ALL_EVENTS",
    "EVENTS_BY_TYPE",
    "AdmissionNoticeCancelled",
    "AdmissionNoticeCorrected",
    "AdmissionNoticeSent",
    "AssessmentRecorded",
    "CareContactAssigned",
    "CaseClosed",
    "CaseOpened",
    "CorrectionIssued",
    "DischargeInformationSent",
    "DischargeReadyNotified",
    "DischargeReadyWithdrawn",
    "EstimatedDischargeDateChanged",
    "IntegrationEvent",
    "InvoiceIssued",
    "MessageAcknowledged",
    "PatientDischarged",
    "PatientTransferred",
    "ReceivingDecided",
    "SettlementCalculated",
    "SipAgreed",
    "SipDecided",
    "SipInvitationSent",
    "StayEvent",
    "UnknownEventType",
    "event_model",
]
