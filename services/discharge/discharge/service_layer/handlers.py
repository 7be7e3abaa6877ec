"""Use cases of the discharge service: load the timeline, apply the rule, save it with its event; and the
handlers of the admission events it follows (the estimated date on the notice, the cancellation)."""

from collections.abc import Callable
from dataclasses import asdict

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from discharge.adapters.tables import messaging, timelines
from discharge.domain.timeline import DischargeTimeline, Status
from svu_shared.contracts import AdmissionNoticeCancelled, AdmissionNoticeSent, IntegrationEvent, PatientTransferred
from svu_shared.envelope import CloudEvent
from svu_shared.inbox import Handler
from svu_shared.outbox import add_to_outbox


async def load(session: AsyncSession, stay_id: str) -> DischargeTimeline | None:
    row = (
        (await session.execute(select(timelines).where(timelines.c.stay_id == stay_id).with_for_update()))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return DischargeTimeline(**{**row, "status": Status(row["status"])})


async def record(
    session: AsyncSession,
    stay_id: str,
    change: Callable[[DischargeTimeline], DischargeTimeline],
    event: IntegrationEvent,
) -> DischargeTimeline:
    """Apply `change` to the stay's timeline (a new stay starts admitted) and publish `event` with it."""
    updated = await _change(session, stay_id, change)
    await add_to_outbox(session, messaging.outbox, event)
    return updated


async def _change(
    session: AsyncSession, stay_id: str, change: Callable[[DischargeTimeline], DischargeTimeline]
) -> DischargeTimeline:
    current = await load(session, stay_id)
    updated = change(current or DischargeTimeline(stay_id))
    values = asdict(updated)
    if current is None:
        await session.execute(insert(timelines).values(**values))
    else:
        await session.execute(update(timelines).where(timelines.c.stay_id == stay_id).values(**values))
    return updated


async def on_admission_event(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    """The admission notice tells who may act on the stay (its municipality and ward), a transfer adds the
    receiving ward, a cancellation ends it."""
    if isinstance(event, AdmissionNoticeCancelled):
        await _change(session, event.stay_id, DischargeTimeline.cancelled)
    elif isinstance(event, AdmissionNoticeSent):
        notice = event
        await _change(
            session,
            event.stay_id,
            lambda t: t.admitted(notice.municipality, notice.care_unit, notice.estimated_discharge_date),
        )
    elif isinstance(event, PatientTransferred):
        await _change(session, event.stay_id, lambda t: t.transferred(event.to_care_unit))  # type: ignore[union-attr]


HANDLERS: dict[str, Handler] = {
    e.event_type: on_admission_event for e in (AdmissionNoticeSent, AdmissionNoticeCancelled, PatientTransferred)
}
