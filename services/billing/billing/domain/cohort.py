"""The month's cohort (domain §3.1 rules 1, 3 and 7): which stays a municipality's month holds, with their
ready days and the events behind each, and which stays are anomalies left out of the sums. A cancelled stay is
never billed; a moved patient's stay is split between the municipalities; a stay whose days a municipality
disputed and finance accepted counts with no days (ADR 0016)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from billing.domain.agreement import Agreement, RuleSet
from billing.domain.calendar import Month
from billing.domain.day_count import COUNTING_METHODS
from billing.domain.moves import municipal_parts
from billing.domain.ready_periods import StayTimeline

# Accepted disputes of the month: (stay id, municipality) → the dispute's id.
Credited = Mapping[tuple[str, str], str]


@dataclass(frozen=True)
class CountedPeriod:
    opened_at: datetime
    closed_at: datetime
    opened_by: str
    closed_by: str | None
    days: int
    backdated_from: datetime | None = None
    backdating_reason: str | None = None
    note: str = ""


@dataclass(frozen=True)
class CountedStay:
    """A stay in the cohort with its ready days: a line of the invoice specification (underlag)."""

    stay_id: str
    municipality: str
    care_type: str
    ready_days: int
    periods: tuple[CountedPeriod, ...]
    event_ids: tuple[str, ...]
    credited_by: str | None = None  # the accepted dispute that took this stay's days out of the sum
    credited_days: int = 0  # the days it had before


@dataclass(frozen=True)
class Anomaly:
    stay_id: str
    reason: str


def count_stay(timeline: StayTimeline, rules: RuleSet) -> CountedStay:
    count = COUNTING_METHODS[rules.counting]
    periods = []
    for p in timeline.periods:
        assert p.closed_at is not None  # a discharged stay has every period closed
        days = count(p.opened_at, p.closed_at, rules.day_boundary)
        periods.append(
            CountedPeriod(
                p.opened_at, p.closed_at, p.opened_by, p.closed_by, days, p.backdated_from, p.backdating_reason, p.note
            )
        )
    return CountedStay(
        timeline.stay_id,
        timeline.municipality or "",
        timeline.care_type,
        sum(p.days for p in periods),
        tuple(periods),
        timeline.event_ids,
    )


def eligible(timeline: StayTimeline, rules: RuleSet) -> bool:
    """§3.1 rule 1 (and §3.2 eligibility): the notices the agreement requires were sent to the municipality."""
    sent = {
        "admission_notice": timeline.admission_notice is not None,
        "discharge_ready": bool(timeline.periods),
        "sip_invitation": timeline.sip_invitation is not None,
    }
    return all(sent[notice] for notice in rules.eligibility)


def anomaly_in(timeline: StayTimeline, period: Month) -> Anomaly | None:
    """§3.1 rule 7: contradictions are reported with the month they concern and left out of the sums."""
    if timeline.ended_at is None:
        opened = [p.opened_at for p in timeline.periods]
        if opened and Month.of(max(opened)) <= period:
            return Anomaly(timeline.stay_id, "no discharge in the month: discharge-ready without a discharge")
        return None
    if Month.of(timeline.ended_at) != period or not timeline.anomalies:
        return None
    return Anomaly(timeline.stay_id, "; ".join(timeline.anomalies))


def credit(stay: CountedStay, credited: Credited) -> CountedStay:
    """A stay whose disputed days finance accepted stays one of N with no ready days: the month's amount falls by
    exactly what its days added, and never rises (ADR 0016)."""
    dispute = credited.get((stay.stay_id, stay.municipality))
    if dispute is None:
        return stay
    return replace(stay, ready_days=0, credited_by=dispute, credited_days=stay.ready_days)


def cohort(
    agreement: Agreement, period: Month, timelines: Iterable[StayTimeline], credited: Credited | None = None
) -> tuple[list[CountedStay], list[Anomaly]]:
    """§3.1 rule 1: the month's stays per municipality with their ready days; rule 7: the anomalies."""
    counted: list[CountedStay] = []
    anomalies: list[Anomaly] = []
    for timeline in timelines:
        if timeline.cancelled_by is not None:
            continue  # makulering: the stay is never billed (ADR 0016)
        if (anomaly := anomaly_in(timeline, period)) is not None:
            anomalies.append(anomaly)
            continue
        if timeline.ended_at is None or Month.of(timeline.ended_at) != period:
            continue
        for part in municipal_parts(timeline):
            rules = agreement.rules_for(part.care_type)
            if part.municipality is None or not eligible(part, rules):
                continue
            counted.append(credit(count_stay(part, rules), credited or {}))
    return (sorted(counted, key=lambda s: (s.municipality, s.stay_id)), sorted(anomalies, key=lambda a: a.stay_id))
