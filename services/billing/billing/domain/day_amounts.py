"""Day amounts as finance manages them (domain §3.1 rule 6, ADR 0016): Socialstyrelsen's amount per vårddygn for a
year, always with its source; the packaged table and the years finance or admin enter through the API."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from billing.domain.agreement import DayAmounts
from svu_shared.rules import RuleBroken


class DayAmountKnown(RuleBroken):
    """A year's amount is entered once: settled months depend on it (ADR 0016)."""


@dataclass(frozen=True)
class DayAmountEntry:
    year: int
    amount_sek: Decimal
    source: str
    added_by: str | None = None  # None: packaged with the service
    added_at: datetime | None = None

    @property
    def origin(self) -> Literal["package", "database"]:
        return "package" if self.added_by is None else "database"


def new_day_amount(
    known: Iterable[DayAmountEntry], year: int, amount_sek: Decimal, source: str, by: str, at: datetime
) -> DayAmountEntry:
    """The year's amount, unless the year has one: an amount is never changed, since months settled and invoiced
    with it would silently change; a wrong amount is corrected by an operator with a migration, and the next runs
    then issue the corrections."""
    for entry in known:
        if entry.year == year:
            raise DayAmountKnown(
                f"{year} has a day amount already: {entry.amount_sek} SEK ({entry.source}); "
                "a year's amount is entered once and never changed"
            )
    return DayAmountEntry(year, amount_sek, source.strip(), by, at)


def day_amounts(entries: Iterable[DayAmountEntry]) -> DayAmounts:
    return DayAmounts({e.year: e.amount_sek for e in entries})
