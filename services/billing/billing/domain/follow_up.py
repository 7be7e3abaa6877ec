"""Follow-up (uppföljning, domain §4): ready days per municipality and month, the average against the
threshold, and the long-stayers, so finance and municipalities see the trend without a separate BI tool."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from billing.domain.agreement import Agreement
from billing.domain.calendar import Month
from billing.domain.cohort import cohort
from billing.domain.ready_periods import StayTimeline, Timelines

# Without a long-stay rule in the agreement, the proposal's 7 days marks a long-stayer (domain §3.2).
DEFAULT_LONG_STAY_DAYS = 7


@dataclass(frozen=True)
class MonthFigures:
    period: Month
    municipality: str
    stays: int
    ready_days: int
    average_days: Decimal
    threshold_days: Decimal
    long_stays: tuple[str, ...]

    @property
    def over_threshold(self) -> bool:
        return self.average_days > self.threshold_days


def months_between(first: Month, last: Month) -> list[Month]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = Month(current.year + current.month // 12, current.month % 12 + 1)
    return months


def follow_up(
    agreement: Agreement, first: Month, last: Month, timelines: Timelines | Iterable[StayTimeline]
) -> list[MonthFigures]:
    if not isinstance(timelines, Timelines):
        timelines = Timelines.of(timelines)
    long_rule = agreement.rules.long_stay
    long_after = long_rule.over_days if long_rule else DEFAULT_LONG_STAY_DAYS
    figures = []
    for month in months_between(first, last):
        stays = cohort(agreement, month, timelines).stays
        by_municipality = stays.group_by("municipality", maintain_order=True).agg(
            stays=pl.len(),
            days=pl.col("ready_days").sum(),
            long_stays=pl.col("stay_id").filter(pl.col("ready_days") > long_after),
        )
        for municipality, n, days, long_stays in by_municipality.sort("municipality").rows():
            figures.append(
                MonthFigures(
                    month,
                    municipality,
                    n,
                    days,
                    Decimal(days) / n,
                    agreement.rules.threshold_days,
                    tuple(long_stays),
                )
            )
    return figures
