"""Use cases of the discharge service: load the timeline, apply the rule, save it with its event; and the
handlers of the admission events it follows (the estimated date on the notice, the cancellation)."""

from collections.abc import Callable
from dataclasses import asdict, replace

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from discharge.adapters.tables import messaging, timelines
from discharge.domain.timeline import DischargeTimeline, Status
from svu_shared.consumer import Handler
from svu_shared.contracts import AdmissionNoticeCancelled, AdmissionNoticeSent, IntegrationEvent
from svu_shared.envelope import CloudEvent
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
    """The ward may post a discharge-ready notice before this service has seen the admission notice (another
    topic): either order ends in the same timeline."""
    if isinstance(event, AdmissionNoticeCancelled):
        await _change(session, event.stay_id, DischargeTimeline.cancelled)
    elif isinstance(event, AdmissionNoticeSent) and event.estimated_discharge_date is not None:
        estimate = event.estimated_discharge_date
        await _change(
            session,
            event.stay_id,
            lambda t: t if t.estimated_discharge_date else replace(t, estimated_discharge_date=estimate),
        )


HANDLERS: dict[str, Handler] = {
    AdmissionNoticeSent.event_type: on_admission_event,
    AdmissionNoticeCancelled.event_type: on_admission_event,
}
