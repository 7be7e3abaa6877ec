"""The events planning follows, each applied in its inbox transaction (architecture §3): load the stay through its
repository, apply the ward's fact, save it, record the message, and publish what changed for the receivers' cases.
`HANDLERS` is the one table by event class; the topics planning consumes are read from it."""

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.feed import Feed
from planning.adapters.message_log import MessageLog, ParkedEvents
from planning.adapters.repository import CaseRepository, StayRepository
from planning.domain.case import VARDCENTRAL_CORRECTED, ClosedAs, ReceiverKind, cases_to_close, opened_case
from planning.domain.deadlines import local_time
from planning.domain.message import Party
from planning.domain.stay import ENDING_INTERRUPTIONS, PlannedStay
from planning.service_layer.published import case_changed, publish
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    AdmissionNoticeSentV2,
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    IntegrationEvent,
    PatientDischarged,
    PatientIdentified,
    PatientTransferred,
    StayEvent,
    event_model,
)
from svu_shared.contracts.admission import ProcessInterrupted
from svu_shared.contracts.discharge import DischargeReadyBackdated
from svu_shared.envelope import CloudEvent
from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.inbox import Handlers


def stay_of_notice(event: AdmissionNoticeSent | AdmissionNoticeSentV2) -> PlannedStay:
    stay = PlannedStay(
        stay_id=event.stay_id,
        patient_id=None,
        municipality=event.municipality,
        care_unit=event.care_unit,
        notice_care_unit=event.care_unit,
        admitted_at=event.admitted_at,
        notice_sent_at=event.sent_at,
        notice_deadline=event.notice_deadline,
        primary_care_unit=event.primary_care_unit,
        estimated_discharge_date=event.estimated_discharge_date,
        wards=(event.care_unit,),
    )
    if isinstance(event, AdmissionNoticeSent):  # the first version carried the identity (ADR 0028)
        return stay.identified(event.patient_id, event.protected_identity, event.patient_name, event.patient_address)
    return stay


async def on_admission_notice(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    """Opens the stay and a case for each receiver: the municipality, and the vårdcentral when known. A second
    notice for the stay is a no-op when it is the same and refused when it differs (`notice_again`, ADR 0012).
    The stay's events that came before it apply after it, its patient's identity among them (ADR 0028)."""
    assert isinstance(event, AdmissionNoticeSent | AdmissionNoticeSentV2)
    stay = stay_of_notice(event)
    stays = StayRepository(session)
    existing = await stays.get(stay.stay_id, lock=True)
    if existing is not None:
        existing.notice_again(stay)  # raises: DuplicateEvent or RejectedEvent
    await stays.add(stay)
    await Feed(session).add(envelope, stay.stay_id, stay.municipality)  # first in the feed: the cases follow it
    await _open_cases(session, stay.stay_id, stay.receivers())  # the municipality's, and the vårdcentral's if known
    await MessageLog(session).add(envelope, stay.stay_id, Party("ward", stay.care_unit))
    await _apply_parked(session, stay.stay_id)


async def _apply_parked(session: AsyncSession, stay_id: str) -> None:
    """Applies, in the order they came, the stay's events that arrived before its admission notice."""
    parked_events = ParkedEvents(session)
    for parked in await parked_events.take(stay_id):
        try:
            await on_stay_event(session, parked, event_model(parked.type).model_validate(parked.data))
        except DuplicateEvent:
            pass
        except RejectedEvent as exc:
            # Not the notice's fault: the notice applies, the parked event is kept for operators (ADR 0012).
            await parked_events.refused(parked, f"rejected: {exc}")


# The ward's facts planning follows, each with what it does to the stay: with the admission notice, which opens
# the stay, the one table of what planning consumes (HANDLERS).
FACTS: dict[type[StayEvent], Callable[[PlannedStay, Any], PlannedStay]] = {
    AdmissionNoticeCorrected: lambda stay, e: stay.corrected(e.admitted_at, e.notice_deadline, e.primary_care_unit),
    AdmissionNoticeCancelled: lambda stay, e: stay.cancelled(),
    PatientTransferred: lambda stay, e: stay.transferred(e.to_care_unit),
    ProcessInterrupted: lambda stay, e: stay.interrupted(e.reason, e.note, e.new_municipality, e.interrupted_at),
    DischargeReadyNotified: lambda stay, e: stay.discharge_ready(e.sent_at),
    DischargeReadyBackdated: lambda stay, e: stay.ready_backdated(e.sent_at, e.received_at, e.reason),
    DischargeReadyWithdrawn: lambda stay, e: stay.ready_withdrawn(),
    EstimatedDischargeDateChanged: lambda stay, e: stay.estimated(e.estimated_discharge_date),
    DischargeInformationSent: lambda stay, e: stay.information_sent(e.epicrisis_sent_at, e.medication_list_sent_at),
    PatientDischarged: lambda stay, e: stay.discharged(e.discharged_at, e.destination),
    # Its own topic, so it may come before the notice (parked, applied after it) or after it (ADR 0028).
    PatientIdentified: lambda stay, e: stay.identified(
        e.patient_id, e.protected_identity, e.patient_name, e.patient_address
    ),
}
# Facts that are no message of the stay's timeline: the patient's identity (the notice is the message, ADR 0028).
NOT_MESSAGES: tuple[type[StayEvent], ...] = (PatientIdentified,)

# What the timeline shows of a fact in the ward's words, beside its type and time (ADR 0014).
TEXTS: dict[type[StayEvent], Callable[[Any], str]] = {
    AdmissionNoticeCorrected: lambda e: e.reason,
    AdmissionNoticeCancelled: lambda e: e.reason,
    ProcessInterrupted: lambda e: e.note,
    DischargeReadyWithdrawn: lambda e: e.reason,
    DischargeReadyBackdated: lambda e: (
        f"utskrivningsklar skickad {local_time(e.sent_at)} (mottagen {local_time(e.received_at)}): {e.reason}"
    ),
}


def closing(event: StayEvent) -> tuple[str, ClosedAs]:
    """Why the cases a fact ends close: the reason in words and as a code (ADR 0014)."""
    if isinstance(event, AdmissionNoticeCancelled):
        return f"the admission notice was cancelled (makulerat): {event.reason}", "cancelled"
    if isinstance(event, ProcessInterrupted):
        if event.reason == "moved_municipality":
            return f"the patient moved to municipality {event.new_municipality}: {event.note}", "receiver_changed"
        return f"avbrott i processen, {ENDING_INTERRUPTIONS[event.reason]}: {event.note}", "interrupted"
    return VARDCENTRAL_CORRECTED, "receiver_changed"


async def on_stay_event(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    """One of the ward's facts; parked when its stay's admission notice has not come yet."""
    assert isinstance(event, StayEvent)
    stays = StayRepository(session)
    stay = await stays.get(event.stay_id, lock=True)
    if stay is None:
        await ParkedEvents(session).park(envelope, event.stay_id)
        return
    updated = FACTS[type(event)](stay, event)
    await stays.save(updated)
    text = TEXTS[type(event)](event) if type(event) in TEXTS else None
    if not isinstance(event, NOT_MESSAGES):
        await MessageLog(session).add(envelope, stay.stay_id, Party("ward", stay.care_unit), text=text)
    # The municipality's feed (ADR 0022); on a move, the former municipality learns of it and the new one follows.
    await Feed(session).add(envelope, stay.stay_id, stay.municipality, updated.municipality)
    if updated.receivers() != stay.receivers():
        await _follow_receivers(session, stay, updated, event)


async def _follow_receivers(session: AsyncSession, before: PlannedStay, after: PlannedStay, event: StayEvent) -> None:
    """The receivers changed: the cases of those that have no part any more close (all, when the process ended),
    and each new one gets a case (or its closed one back): a corrected vårdcentral, a move to a new municipality."""
    cases = CaseRepository(session)
    reason, closed_as = closing(event)
    receivers = after.receivers()
    for closed in cases_to_close(await cases.of_stay(after.stay_id), receivers, datetime.now(UTC), reason, closed_as):
        await cases.save(closed, after)
        await publish(session, case_changed(closed))
    await _open_cases(session, after.stay_id, receivers - before.receivers())


async def _open_cases(session: AsyncSession, stay_id: str, receivers: Collection[tuple[str, str]]) -> None:
    """Each receiver's (kind, id) case, once (ADR 0012): an open one is kept, a closed one (the receiver is the
    stay's again) reopens. The stay's cases are read once, whatever the number of receivers."""
    cases = CaseRepository(session)
    stay_cases = await cases.of_stay(stay_id) if receivers else []
    for kind, receiver_id in sorted(receivers):
        case = opened_case(stay_cases, stay_id, cast(ReceiverKind, kind), receiver_id, datetime.now(UTC))
        if case is None:
            continue
        if any(c.case_id == case.case_id for c in stay_cases):
            await cases.save(case)  # reopened
        else:
            await cases.add(case)
        await publish(session, case_changed(case))


HANDLERS: Handlers = {
    AdmissionNoticeSent: on_admission_notice,  # the first version, which may still be on the topic (ADR 0028)
    AdmissionNoticeSentV2: on_admission_notice,
    **dict.fromkeys(FACTS, on_stay_event),
}
