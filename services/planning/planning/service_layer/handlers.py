"""The planning service's use cases: the events it follows (each in its inbox transaction) and the records and
acknowledgements its users make (each in one transaction with its outbox event)."""

from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import RECORDS, acknowledgements, cases, messages, messaging, parked_events, stays
from planning.domain.case import Case, ReceiverKind, case_id
from planning.domain.stay import PlannedStay, RecordKind, StayStatus
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    AssessmentRecorded,
    CareContactAssigned,
    CaseClosed,
    CaseOpened,
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    IntegrationEvent,
    MessageAcknowledged,
    PatientDischarged,
    PatientTransferred,
    ReceivingDecided,
    SipAgreed,
    SipDecided,
    SipInvitationSent,
    StayEvent,
    event_model,
)
from svu_shared.contracts.planning import RecordedOnStay
from svu_shared.envelope import CloudEvent
from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.inbox import Handler
from svu_shared.outbox import add_to_outbox

RECORD_EVENTS: dict[RecordKind, type[RecordedOnStay]] = {
    RecordKind.CARE_CONTACT: CareContactAssigned,
    RecordKind.ASSESSMENT: AssessmentRecorded,
    RecordKind.SIP_DECISION: SipDecided,
    RecordKind.SIP_INVITATION: SipInvitationSent,
    RecordKind.SIP: SipAgreed,
    RecordKind.RECEIVING_DECISION: ReceivingDecided,
}


# --- persistence of the aggregate ---


def stay_from_row(row: Any) -> PlannedStay:
    values = {f.name: row[f.name] for f in fields(PlannedStay)}
    values["status"] = StayStatus(values["status"])
    for name in RECORDS:
        if values[name] is not None:  # JSON keeps times as text; the rules compare them as instants
            values[name] = {**values[name], "recorded_at": datetime.fromisoformat(values[name]["recorded_at"])}
    return PlannedStay(**values)


def _row(stay: PlannedStay) -> dict[str, Any]:
    row = asdict(stay)
    for name in RECORDS:
        if row[name] is not None:
            row[name] = {**row[name], "recorded_at": row[name]["recorded_at"].isoformat()}
    return row


async def load_stay(session: AsyncSession, stay_id: str, lock: bool = False) -> PlannedStay | None:
    query = select(stays).where(stays.c.stay_id == stay_id)
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    return stay_from_row(row) if row else None


async def save_stay(session: AsyncSession, stay: PlannedStay) -> None:
    await session.execute(update(stays).where(stays.c.stay_id == stay.stay_id).values(**_row(stay)))


async def cases_of_stay(session: AsyncSession, stay_id: str) -> list[Case]:
    rows = (await session.execute(select(cases).where(cases.c.stay_id == stay_id).order_by(cases.c.case_id))).mappings()
    return [Case(**row) for row in rows]


async def _open_case(session: AsyncSession, stay_id: str, kind: ReceiverKind, receiver_id: str) -> None:
    """A case for the receiver, once: an open one is kept, a closed one (the receiver is the stay's again) reopens."""
    now = datetime.now(UTC)
    the_id = case_id(stay_id, kind, receiver_id)
    existing = next((c for c in await cases_of_stay(session, stay_id) if c.case_id == the_id), None)
    if existing is not None and existing.closed_at is None:
        return
    if existing is None:
        case = Case(the_id, stay_id, kind, receiver_id, opened_at=now)
        await session.execute(insert(cases).values(**asdict(case)))
    else:
        case = existing.reopened(now)
        await session.execute(update(cases).where(cases.c.case_id == the_id).values(**asdict(case)))
    await add_to_outbox(
        session,
        messaging.outbox,
        CaseOpened(stay_id=stay_id, case_id=case.case_id, receiver_kind=kind, receiver_id=receiver_id, opened_at=now),
    )


async def _close_case(session: AsyncSession, case: Case, reason: str) -> None:
    closed = case.closed(datetime.now(UTC), reason)
    await session.execute(update(cases).where(cases.c.case_id == case.case_id).values(**asdict(closed)))
    assert closed.closed_at is not None
    await add_to_outbox(
        session,
        messaging.outbox,
        CaseClosed(
            stay_id=case.stay_id,
            case_id=case.case_id,
            receiver_kind=case.receiver_kind,
            receiver_id=case.receiver_id,
            reason=reason,
            closed_at=closed.closed_at,
        ),
    )


async def _add_message(session: AsyncSession, envelope: CloudEvent, stay_id: str) -> None:
    await session.execute(
        insert(messages).values(
            message_id=envelope.id,
            stay_id=stay_id,
            type=envelope.type,
            source=envelope.source,
            occurred_at=envelope.time,
        )
    )


# --- events the service follows ---


async def on_admission_notice(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    """Opens the stay and a case for each receiver: the municipality, and the vårdcentral when known. A second
    notice for the stay is a no-op when it is the same and refused when it differs (`notice_again`)."""
    assert isinstance(event, AdmissionNoticeSent)
    stay = PlannedStay(
        stay_id=event.stay_id,
        patient_id=event.patient_id,
        municipality=event.municipality,
        care_unit=event.care_unit,
        notice_care_unit=event.care_unit,
        admitted_at=event.admitted_at,
        notice_sent_at=event.sent_at,
        notice_deadline=event.notice_deadline,
        primary_care_unit=event.primary_care_unit,
        estimated_discharge_date=event.estimated_discharge_date,
        wards=(event.care_unit,),
        protected_identity=event.protected_identity,
        patient_name=event.patient_name,
        patient_address=event.patient_address,
    )
    existing = await load_stay(session, stay.stay_id, lock=True)
    if existing is not None:
        existing.notice_again(stay)  # raises: DuplicateEvent or RejectedEvent
    await session.execute(insert(stays).values(**_row(stay)))
    await _open_case(session, stay.stay_id, "municipality", stay.municipality)
    if stay.primary_care_unit:
        await _open_case(session, stay.stay_id, "primary_care", stay.primary_care_unit)
    await _add_message(session, envelope, stay.stay_id)
    await _apply_parked(session, stay.stay_id)


async def _apply_parked(session: AsyncSession, stay_id: str) -> None:
    """Applies, in the order they came, the stay's events that arrived before its admission notice."""
    taken = await session.execute(
        delete(parked_events)
        .where(parked_events.c.stay_id == stay_id)
        .returning(parked_events.c.parked_at, parked_events.c.envelope)
    )
    for _parked_at, raw in sorted(taken.all()):
        parked = CloudEvent.from_bytes(raw)
        try:
            await on_stay_event(session, parked, event_model(parked.type).model_validate(parked.data))
        except DuplicateEvent:
            pass
        except RejectedEvent as exc:
            # Not the notice's fault: the notice applies, the parked event is kept for operators (ADR 0012).
            await session.execute(
                insert(messaging.dead_letters).values(
                    topic="parked",
                    partition=-1,
                    offset=-1,
                    event_id=parked.id,
                    reason=f"rejected: {exc}",
                    at=datetime.now(UTC),
                )
            )


def _apply(stay: PlannedStay, event: IntegrationEvent) -> PlannedStay:
    if isinstance(event, DischargeReadyNotified):
        return stay.discharge_ready(event.sent_at)
    if isinstance(event, DischargeReadyWithdrawn):
        return stay.ready_withdrawn()
    if isinstance(event, PatientDischarged):
        return stay.discharged(event.discharged_at, event.destination)
    if isinstance(event, AdmissionNoticeCancelled):
        return stay.cancelled()
    if isinstance(event, PatientTransferred):
        return stay.transferred(event.to_care_unit)
    if isinstance(event, AdmissionNoticeCorrected):
        return stay.corrected(event.admitted_at, event.notice_deadline, event.primary_care_unit)
    if isinstance(event, EstimatedDischargeDateChanged):
        return stay.estimated(event.estimated_discharge_date)
    if isinstance(event, DischargeInformationSent):
        return stay.information_sent(event.epicrisis_sent_at, event.medication_list_sent_at)
    return stay


async def on_stay_event(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    assert isinstance(event, StayEvent)
    stay = await load_stay(session, event.stay_id, lock=True)
    if stay is None:
        await session.execute(
            insert(parked_events).values(
                event_id=envelope.id, stay_id=event.stay_id, envelope=envelope.to_bytes(), parked_at=datetime.now(UTC)
            )
        )
        return
    updated = _apply(stay, event)
    await save_stay(session, updated)
    await _add_message(session, envelope, stay.stay_id)
    if updated.primary_care_unit != stay.primary_care_unit:
        await _follow_vardcentral(session, updated)


async def _follow_vardcentral(session: AsyncSession, stay: PlannedStay) -> None:
    """A corrected vårdcentral: the former one's case closes, the new one gets a case (or its closed one back)."""
    current = {
        c.receiver_id: c for c in await cases_of_stay(session, stay.stay_id) if c.receiver_kind == "primary_care"
    }
    for receiver_id, case in current.items():
        if receiver_id != stay.primary_care_unit and case.closed_at is None:
            await _close_case(session, case, "the patient's vårdcentral was corrected")
    if stay.primary_care_unit:
        await _open_case(session, stay.stay_id, "primary_care", stay.primary_care_unit)


HANDLERS: dict[str, Handler] = {
    AdmissionNoticeSent.event_type: on_admission_notice,
    **{
        e.event_type: on_stay_event
        for e in (
            AdmissionNoticeCorrected,
            AdmissionNoticeCancelled,
            PatientTransferred,
            DischargeReadyNotified,
            DischargeReadyWithdrawn,
            EstimatedDischargeDateChanged,
            DischargeInformationSent,
            PatientDischarged,
        )
    },
}


# --- what users record ---


async def record(
    session: AsyncSession, stay_id: str, kind: RecordKind, content: dict[str, Any], by: str | None
) -> PlannedStay | None:
    """One planning record after its rule (PlanRuleBroken), with its event and message; None: no such stay."""
    stay = await load_stay(session, stay_id, lock=True)
    if stay is None:
        return None
    now = datetime.now(UTC)
    updated = stay.record(kind, {**content, "recorded_at": now, "recorded_by": by})
    await save_stay(session, updated)
    event = RECORD_EVENTS[kind](stay_id=stay_id, recorded_at=now, recorded_by=by, **content)
    await _add_message(session, await add_to_outbox(session, messaging.outbox, event), stay_id)
    return updated


async def acknowledge(session: AsyncSession, case: Case, message_id: str) -> tuple[datetime, bool] | None:
    """Kvittens of one message by the case's receiver: (when, newly). None when the message is not the stay's."""
    message = (
        await session.execute(
            select(messages.c.message_id).where(messages.c.message_id == message_id, messages.c.stay_id == case.stay_id)
        )
    ).first()
    if message is None:
        return None
    earlier = (
        await session.execute(
            select(acknowledgements.c.acknowledged_at).where(
                acknowledgements.c.message_id == message_id, acknowledgements.c.case_id == case.case_id
            )
        )
    ).scalar()
    if earlier is not None:
        return earlier, False  # a second click is the same kvittens
    now = datetime.now(UTC)
    await session.execute(
        insert(acknowledgements).values(message_id=message_id, case_id=case.case_id, acknowledged_at=now)
    )
    await add_to_outbox(
        session,
        messaging.outbox,
        MessageAcknowledged(
            stay_id=case.stay_id,
            message_id=message_id,
            case_id=case.case_id,
            receiver_kind=case.receiver_kind,
            receiver_id=case.receiver_id,
            acknowledged_at=now,
        ),
    )
    return now, True
