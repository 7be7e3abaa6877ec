"""The public contract: every integration event type, by its CloudEvents `type`.

Each event class registers itself when its module is imported (svu_shared.contracts.base), so nothing here lists
event types. The producers' modules are imported in the order a stay passes them; that order is ALL_EVENTS' and
TOPICS' (and so kafka.ALL_TOPICS').
"""

# isort: off
from svu_shared.contracts.admission import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    AdmissionNoticeSentV2,
    PatientIdentified,
    PatientTransferred,
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
from svu_shared.contracts.discharge import (
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    PatientDischarged,
)
from svu_shared.contracts.billing import CorrectionIssued, InvoiceIssued, SettlementCalculated

# isort: on
from svu_shared.contracts.base import (
    EVENTS_BY_TYPE,
    IntegrationEvent,
    StayEvent,
    UnknownEventType,
    event_model,
    examples_of,
    registered_events,
)

# By topic, then in definition order; EVENTS_BY_TYPE is the registry itself, so event_model also finds an event
# type whose module is imported later.
ALL_EVENTS: tuple[type[IntegrationEvent], ...] = registered_events()
TOPICS: tuple[str, ...] = tuple(dict.fromkeys(e.topic for e in ALL_EVENTS))

__all__ = [
    "ALL_EVENTS",
    "EVENTS_BY_TYPE",
    "TOPICS",
    "AdmissionNoticeCancelled",
    "AdmissionNoticeCorrected",
    "AdmissionNoticeSent",
    "AdmissionNoticeSentV2",
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
    "PatientIdentified",
    "PatientTransferred",
    "ReceivingDecided",
    "SettlementCalculated",
    "SipAgreed",
    "SipDecided",
    "SipInvitationSent",
    "StayEvent",
    "UnknownEventType",
    "event_model",
    "examples_of",
]
