"""Settle and compare: the same use case for the CLI (event files) and the HTTP API (consumed events)."""

from collections import defaultdict
from collections.abc import Iterable

from billing.domain.agreement import Agreement, DayAmounts
from billing.domain.calendar import Month
from billing.domain.cohort import Credited
from billing.domain.facts import StayFact
from billing.domain.ready_periods import StayTimeline, stay_timeline
from billing.domain.settlement import Settlement, settle


def timelines(facts: Iterable[StayFact]) -> list[StayTimeline]:
    by_stay: dict[str, list[StayFact]] = defaultdict(list)
    for fact in facts:
        by_stay[fact.stay_id].append(fact)
    return [stay_timeline(stay_id, stay_facts) for stay_id, stay_facts in sorted(by_stay.items())]


def settle_facts(
    agreement: Agreement,
    period: Month,
    facts: Iterable[StayFact],
    day_amounts: DayAmounts,
    credited: Credited | None = None,
) -> Settlement:
    return settle(agreement, period, timelines(facts), day_amounts, credited)


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
