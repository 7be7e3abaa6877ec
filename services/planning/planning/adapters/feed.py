"""The municipality's feed (ADR 0022): a stay's events for the municipality where the patient is folkbokförd, in
the order planning applied or published them. A municipal system reads its own residents' events here, never the
broker's topics, which carry every patient's."""

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import feed
from svu_shared.batch import batch_writes
from svu_shared.envelope import CloudEvent


class Feed:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, envelope: CloudEvent, stay_id: str, *municipalities: str) -> None:
        rows = [
            {
                "municipality": kommunkod,
                "stay_id": stay_id,
                "event_id": envelope.id,
                "envelope": envelope.to_bytes(),
                "added_at": datetime.now(UTC),
            }
            for kommunkod in dict.fromkeys(municipalities)
        ]
        if (batch := batch_writes(self._session)) is not None:  # written with the batch's others (ADR 0020)
            for row in rows:
                batch.insert(feed, row)
        else:
            await self._session.execute(insert(feed), rows)

    async def after(self, municipality: str, position: int, limit: int) -> list[tuple[int, str, CloudEvent]]:
        """The municipality's entries after `position`: (position, stay id, event), oldest first."""
        query = (
            select(feed.c.position, feed.c.stay_id, feed.c.envelope)
            .where(feed.c.municipality == municipality, feed.c.position > position)
            .order_by(feed.c.position)
            .limit(limit)
        )
        return [(p, s, CloudEvent.from_bytes(e)) for p, s, e in (await self._session.execute(query)).all()]
