"""Day amounts (domain §3.1 rule 6, ADR 0016): the packaged table and the years entered through the API, one table
for settling; entering a year is a command in the request's transaction."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.agreement_files import day_amount_entries
from billing.adapters.day_amount_table import DayAmountRepository
from billing.domain.agreement import DayAmounts
from billing.domain.day_amounts import DayAmountEntry, day_amounts, new_day_amount


async def entries(session: AsyncSession) -> list[DayAmountEntry]:
    """Every known year, packaged or entered, by year."""
    return sorted([*day_amount_entries(), *await DayAmountRepository(session).all()], key=lambda e: e.year)


async def known_day_amounts(session: AsyncSession) -> DayAmounts:
    """What settling uses: the packaged amounts and those entered through the API."""
    return day_amounts(await entries(session))


async def add_day_amount(session: AsyncSession, year: int, amount_sek: Decimal, source: str, by: str) -> DayAmountEntry:
    """Raises `DayAmountKnown` (409) when the year has an amount already."""
    entry = new_day_amount(await entries(session), year, amount_sek, source, by, datetime.now(UTC))
    await DayAmountRepository(session).add(entry)
    return entry
