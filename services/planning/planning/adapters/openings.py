"""When each user last opened each stay (ADR 0014): what arrived since is new to them. One row per user and stay,
with the opening before the last, so the messages listed just after opening the stay still show as new."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import SUBJECT_MAX_LENGTH, stay_openings
from svu_shared.db import insert_or_merge


class StayOpenings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def last(self, stay_id: str, subject: str) -> tuple[datetime | None, datetime | None]:
        """(last opened, opened before that) by the user; (None, None) when never."""
        query = select(stay_openings.c.opened_at, stay_openings.c.previously_opened_at).where(
            stay_openings.c.stay_id == stay_id, stay_openings.c.subject == subject[:SUBJECT_MAX_LENGTH]
        )
        row = (await self._session.execute(query)).first()
        return (None, None) if row is None else (row[0], row[1])

    async def opened(self, stay_id: str, subject: str, at: datetime) -> datetime | None:
        """Records that the user opened the stay now; returns when they had opened it before (None: never)."""
        before, _ = await self.last(stay_id, subject)
        statement = insert_or_merge(self._session, stay_openings).values(
            stay_id=stay_id, subject=subject[:SUBJECT_MAX_LENGTH], opened_at=at, previously_opened_at=None
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["stay_id", "subject"],
                set_={"opened_at": at, "previously_opened_at": stay_openings.c.opened_at},
            )
        )
        return before
