"""Use cases of the discharge service: load the timeline, apply the rule, save it with its event."""

from collections.abc import Callable
from dataclasses import asdict

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from discharge.adapters.tables import messaging, timelines
from discharge.domain.timeline import DischargeTimeline, Status
from svu_shared.contracts import IntegrationEvent
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
    current = await load(session, stay_id)
    updated = change(current or DischargeTimeline(stay_id))
    values = asdict(updated)
    if current is None:
        await session.execute(insert(timelines).values(**values))
    else:
        await session.execute(update(timelines).where(timelines.c.stay_id == stay_id).values(**values))
    await add_to_outbox(session, messaging.outbox, event)
    return updated
