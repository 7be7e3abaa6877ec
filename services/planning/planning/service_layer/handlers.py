"""Event handlers of the planning service; each runs in the inbox transaction of its event."""

from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import cases, messaging, parked_events
from planning.domain.case import Case, CaseStatus, municipality_case_id
from svu_shared.consumer import Handler
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeSent,
    CaseOpened,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    IntegrationEvent,
    PatientDischarged,
    PatientTransferred,
    event_model,
)
from svu_shared.envelope import CloudEvent
from svu_shared.outbox import add_to_outbox


async def cases_of_stay(session: AsyncSession, stay_id: str) -> list[Case]:
    rows = (await session.execute(select(cases).where(cases.c.stay_id == stay_id).order_by(cases.c.case_id))).mappings()
    return [Case(**{**row, "status": CaseStatus(row["status"])}) for row in rows]


async def save(session: AsyncSession, case: Case) -> None:
    await session.execute(update(cases).where(cases.c.case_id == case.case_id).values(**asdict(case)))


def _apply(case: Case, event: IntegrationEvent) -> Case:
    if isinstance(event, DischargeReadyNotified):
        return case.discharge_ready(event.sent_at)
    if isinstance(event, DischargeReadyWithdrawn):
        return case.ready_withdrawn()
    if isinstance(event, PatientDischarged):
        return case.discharged(event.discharged_at, event.destination)
    if isinstance(event, AdmissionNoticeCancelled):
        return case.cancelled()
    if isinstance(event, PatientTransferred):
        return case.transferred(event.to_care_unit)
    return case


async def on_admission_notice(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    assert isinstance(event, AdmissionNoticeSent)
    now = datetime.now(UTC)
    case = Case(
        case_id=municipality_case_id(event.stay_id, event.municipality),
        stay_id=event.stay_id,
        receiver_kind="municipality",
        receiver_id=event.municipality,
        patient_id=event.patient_id,
        care_unit=event.care_unit,
        admitted_at=event.admitted_at,
        opened_at=now,
    )
    await session.execute(insert(cases).values(**asdict(case)))
    await add_to_outbox(
        session,
        messaging.outbox,
        CaseOpened(
            stay_id=case.stay_id,
            case_id=case.case_id,
            receiver_kind="municipality",
            receiver_id=case.receiver_id,
            opened_at=now,
        ),
    )
    await _apply_parked(session, event.stay_id)


async def _apply_parked(session: AsyncSession, stay_id: str) -> None:
    """Applies, in the order they came, the stay's events that arrived before its admission notice."""
    taken = await session.execute(
        delete(parked_events)
        .where(parked_events.c.stay_id == stay_id)
        .returning(parked_events.c.parked_at, parked_events.c.envelope)
    )
    for _parked_at, raw in sorted(taken.all()):
        parked = CloudEvent.from_bytes(raw)
        await on_stay_event(session, parked, event_model(parked.type).model_validate(parked.data))


async def on_stay_event(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    stay_cases = await cases_of_stay(session, event.stay_id)
    if not stay_cases:
        await session.execute(
            insert(parked_events).values(
                event_id=envelope.id, stay_id=event.stay_id, envelope=envelope.to_bytes(), parked_at=datetime.now(UTC)
            )
        )
        return
    for case in stay_cases:
        await save(session, _apply(case, event))


HANDLERS: dict[str, Handler] = {
    AdmissionNoticeSent.event_type: on_admission_notice,
    DischargeReadyNotified.event_type: on_stay_event,
    DischargeReadyWithdrawn.event_type: on_stay_event,
    PatientDischarged.event_type: on_stay_event,
    AdmissionNoticeCancelled.event_type: on_stay_event,
    PatientTransferred.event_type: on_stay_event,
}
