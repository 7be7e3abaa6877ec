"""The public contract: every integration event type, by its CloudEvents `type`."""

from svu_shared.contracts.admission import AdmissionNoticeCancelled, AdmissionNoticeSent, PatientTransferred
from svu_shared.contracts.base import IntegrationEvent, StayEvent, UnknownEventType
from svu_shared.contracts.billing import CorrectionIssued, InvoiceIssued, SettlementCalculated
from svu_shared.contracts.discharge import DischargeReadyNotified, DischargeReadyWithdrawn, PatientDischarged
from svu_shared.contracts.planning import CaseOpened

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (
    AdmissionNoticeSent,
    AdmissionNoticeCancelled,
    PatientTransferred,
    CaseOpened,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
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
    "AdmissionNoticeSent",
    "CaseOpened",
    "CorrectionIssued",
    "DischargeReadyNotified",
    "DischargeReadyWithdrawn",
    "IntegrationEvent",
    "InvoiceIssued",
    "PatientDischarged",
    "PatientTransferred",
    "SettlementCalculated",
    "StayEvent",
    "UnknownEventType",
    "event_model",
]
