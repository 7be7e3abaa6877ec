"""Day amounts entered through the API, in billing's table (ADR 0016), beside the packaged ones."""

from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.tables import day_amounts
from billing.domain.day_amounts import DayAmountEntry


class DayAmountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> list[DayAmountEntry]:
        rows = (await self._session.execute(select(day_amounts).order_by(day_amounts.c.year))).mappings()
        return [DayAmountEntry(**{**row, "amount_sek": Decimal(row["amount_sek"])}) for row in rows]

    async def add(self, entry: DayAmountEntry) -> None:
        await self._session.execute(
            insert(day_amounts).values(
                year=entry.year,
                amount_sek=str(entry.amount_sek),
                source=entry.source,
                added_by=entry.added_by,
                added_at=entry.added_at,
            )
        )
