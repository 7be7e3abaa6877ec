"""Settle and compare: the same use case for the CLI (event files) and the HTTP API (consumed events)."""

from collections.abc import Iterable

import polars as pl

from billing.domain.agreement import Agreement, DayAmounts
from billing.domain.calendar import Month
from billing.domain.cohort import Credited
from billing.domain.facts import FileFacts, StayFact, facts_frame
from billing.domain.ready_periods import Timelines
from billing.domain.ready_periods import timelines as timelines_of_frame
from billing.domain.settlement import Settlement, settle

Facts = pl.DataFrame | FileFacts | Iterable[StayFact]  # the columnar facts (FACT_SCHEMA, or a file's) or objects


def timelines(facts: Facts) -> Timelines:
    """Every stay's timeline, computed once for any number of settlements of the same facts."""
    return timelines_of_frame(facts if isinstance(facts, pl.DataFrame | FileFacts) else facts_frame(facts))


def settle_facts(
    agreement: Agreement,
    period: Month,
    facts: Facts | Timelines,
    day_amounts: DayAmounts,
    credited: Credited | None = None,
) -> Settlement:
    known = facts if isinstance(facts, Timelines) else timelines(facts)
    return settle(agreement, period, known, day_amounts, credited)


def compare(settlements: tuple[Settlement, Settlement]) -> list[dict]:
    """Per municipality: what each agreement gives and the difference (B − A), for the what-if question."""
    a, b = ({line.municipality: line for line in s.municipalities} for s in settlements)
    rows = []
    for municipality in sorted(set(a) | set(b)):
        amount_a = a[municipality].amount_sek if municipality in a else None
        amount_b = b[municipality].amount_sek if municipality in b else None
        rows.append(
            {
                "municipality": municipality,
                "a": a.get(municipality),
                "b": b.get(municipality),
                "difference_sek": (amount_b or 0) - (amount_a or 0),
            }
        )
    return rows
