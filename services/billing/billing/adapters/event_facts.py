"""Integration events → billing facts: the one translation, used by the consumer and by the CLI's JSONL reader."""

from billing.domain.facts import FactKind, StayFact
from svu_shared.contracts import (
    AdmissionNoticeSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    IntegrationEvent,
    PatientDischarged,
)


def fact_from_event(event_id: str, event: IntegrationEvent) -> StayFact | None:
    if isinstance(event, AdmissionNoticeSent):
        return StayFact(
            event.stay_id, FactKind.ADMISSION_NOTICE, event.sent_at, event_id, event.municipality, event.care_type
        )
    if isinstance(event, DischargeReadyNotified):
        # Domain §2: the notice's send time starts the payment clock.
        return StayFact(event.stay_id, FactKind.DISCHARGE_READY, event.sent_at, event_id)
    if isinstance(event, DischargeReadyWithdrawn):
        return StayFact(event.stay_id, FactKind.DISCHARGE_READY_WITHDRAWN, event.withdrawn_at, event_id)
    if isinstance(event, PatientDischarged):
        return StayFact(event.stay_id, FactKind.DISCHARGED, event.discharged_at, event_id)
    return None


BILLED_EVENTS = (AdmissionNoticeSent, DischargeReadyNotified, DischargeReadyWithdrawn, PatientDischarged)
