"""Integration events → billing facts: the one translation, used by the consumer and by the CLI's JSONL reader."""

from billing.domain.facts import MOVED, FactKind, StayFact
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeSent,
    AdmissionNoticeSentV2,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    IntegrationEvent,
    PatientDischarged,
)
from svu_shared.contracts.admission import ProcessInterrupted
from svu_shared.contracts.discharge import DischargeReadyBackdated


def fact_from_event(event_id: str, event: IntegrationEvent) -> StayFact | None:
    if isinstance(event, AdmissionNoticeSent | AdmissionNoticeSentV2):  # v1 may still be on the topic (ADR 0028)
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
    return _process_wave_fact(event_id, event)


def _process_wave_fact(event_id: str, event: IntegrationEvent) -> StayFact | None:
    """ADR 0016: makulering takes the stay out of billing; an interruption ends or moves the payment; a backdated
    notice starts the clock at its real send time."""
    if isinstance(event, AdmissionNoticeCancelled):
        return StayFact(event.stay_id, FactKind.NOTICE_CANCELLED, event.cancelled_at, event_id, reason=event.reason)
    if isinstance(event, ProcessInterrupted):
        moved_to = event.new_municipality if event.reason == MOVED else None
        return StayFact(
            event.stay_id, FactKind.PROCESS_INTERRUPTED, event.interrupted_at, event_id, moved_to, reason=event.reason
        )
    if isinstance(event, DischargeReadyBackdated):
        return StayFact(
            event.stay_id,
            FactKind.DISCHARGE_READY_BACKDATED,
            event.sent_at,
            event_id,
            reason=event.reason,
            received_at=event.received_at,
        )
    return None


BILLED_EVENTS = (
    AdmissionNoticeSent,
    AdmissionNoticeSentV2,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    PatientDischarged,
    AdmissionNoticeCancelled,
    ProcessInterrupted,
    DischargeReadyBackdated,
)
