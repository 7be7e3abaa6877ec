"""Discharge timelines as the use cases load and save them: one row of `timelines` per stay."""

from dataclasses import asdict, fields

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from discharge.adapters.tables import timelines
from discharge.domain.timeline import DischargeTimeline, Status


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, stay_id: str, lock: bool = False) -> DischargeTimeline | None:
        """With `lock`, the stay's row stays locked until the transaction ends: a change is decided on the
        timeline as it is, and its outbox row follows the stay's earlier ones (ADR 0012)."""
        query = select(timelines).where(timelines.c.stay_id == stay_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).mappings().first()
        if row is None:
            return None
        values = {f.name: row[f.name] for f in fields(DischargeTimeline)}
        return DischargeTimeline(**{**values, "status": Status(values["status"])})

    async def add(self, timeline: DischargeTimeline) -> None:
        await self._session.execute(insert(timelines).values(**asdict(timeline)))

    async def save(self, timeline: DischargeTimeline) -> None:
        query = update(timelines).where(timelines.c.stay_id == timeline.stay_id)
        await self._session.execute(query.values(**asdict(timeline)))
