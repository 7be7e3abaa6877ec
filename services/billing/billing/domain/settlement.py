"""The monthly settlement of payment responsibility (domain §3.1 rules 4 and 5; variants of §3.2).

Pure: stay timelines, an agreement and the day amounts in; one line per municipality and the anomalies out.
Every figure is Decimal; amounts are rounded half-up to öre once, per billed group or long stay.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from billing.domain.agreement import Agreement, AgreementError, DayAmounts, RuleSet
from billing.domain.calendar import Month
from billing.domain.cohort import Anomaly, CountedStay, Credited, cohort
from billing.domain.ready_periods import StayTimeline

ORE = Decimal("0.01")


@dataclass(frozen=True)
class LongStay:
    stay_id: str
    ready_days: int
    billable_days: Decimal
    amount_sek: Decimal


@dataclass(frozen=True)
class MunicipalityLine:
    municipality: str
    stays: int
    ready_days: int
    average_days: Decimal
    billable_days: Decimal
    day_amount_sek: Decimal
    amount_sek: Decimal
    long_stays: tuple[LongStay, ...] = ()


@dataclass(frozen=True)
class Settlement:
    agreement: str
    period: Month
    municipalities: tuple[MunicipalityLine, ...]
    anomalies: tuple[Anomaly, ...]
    stays: tuple[CountedStay, ...] = field(default=())


def round_days(days: Decimal, rounding: str) -> Decimal:
    # §3.2 "rounding of billable days": none (öre on the amount only), floor, ceil.
    if rounding == "floor":
        return days.to_integral_value(ROUND_FLOOR)
    if rounding == "ceil":
        return days.to_integral_value(ROUND_CEILING)
    return days


def money(days: Decimal, day_amount: Decimal) -> Decimal:
    # §3.1 rule 5: billable days × day amount, rounded half-up to öre.
    return (days * day_amount).quantize(ORE, ROUND_HALF_UP)


def check_valid(agreement: Agreement, period: Month) -> None:
    """ADR 0008: an agreement settles only months inside its validity."""
    if not agreement.covers(period.first_day):
        raise AgreementError(
            f"agreement {agreement.id} is valid {agreement.valid_from}..{agreement.valid_to or ''}, not for {period}"
        )


def settle(
    agreement: Agreement,
    period: Month,
    timelines: Iterable[StayTimeline],
    day_amounts: DayAmounts,
    credited: Credited | None = None,
) -> Settlement:
    """`credited`: the month's accepted disputes under this agreement (ADR 0016); none for a what-if."""
    check_valid(agreement, period)
    day_amount = day_amounts.for_year(period.year)
    counted, anomalies = cohort(agreement, period, timelines, credited)
    # Stays are averaged per municipality and rule set: care types share one average unless the agreement
    # gives them separate parameter sets (§3.2 "care type").
    groups: dict[tuple[str, RuleSet], list[CountedStay]] = defaultdict(list)
    for stay in counted:
        groups[(stay.municipality, agreement.rules_for(stay.care_type))].append(stay)
    lines: dict[str, list[MunicipalityLine]] = defaultdict(list)
    for (municipality, rules), stays in groups.items():
        lines[municipality].append(settle_group(municipality, stays, rules, day_amount))
    return Settlement(
        agreement=agreement.id,
        period=period,
        municipalities=tuple(merge_lines(parts) for _, parts in sorted(lines.items())),
        anomalies=tuple(anomalies),
        stays=tuple(counted),
    )


def settle_group(municipality: str, stays: list[CountedStay], rules: RuleSet, day_amount: Decimal) -> MunicipalityLine:
    """One municipality's stays under one rule set (one care type)."""
    long_stays: list[LongStay] = []
    in_model = stays
    if rules.long_stay is not None:
        # §3.2 long-stayer proposal: these stays leave the average and are billed beyond the bill-from day.
        long_rule = rules.long_stay
        in_model = [s for s in stays if s.ready_days <= long_rule.over_days]
        for stay in (s for s in stays if s.ready_days > long_rule.over_days):
            days = round_days(Decimal(stay.ready_days - long_rule.bill_from_day), rules.rounding)
            long_stays.append(LongStay(stay.stay_id, stay.ready_days, days, money(days, day_amount)))
    n = len(in_model)
    d = sum(s.ready_days for s in in_model)
    average = Decimal(d) / n if n else Decimal(0)
    if rules.model == "average":
        # §3.1 rule 4: only when the average exceeds the threshold; then D − threshold × N (or all days).
        over = average > rules.threshold_days
        billable = Decimal(0)
        if over:
            billable = (
                Decimal(d) - rules.threshold_days * n
                if rules.billed_when_over == "days_above_threshold"
                else Decimal(d)
            )
        billable = round_days(billable, rules.rounding)
    else:
        # §3.2 individual model: each stay pays for its days beyond the free days.
        billable = sum(
            (round_days(Decimal(max(0, s.ready_days - rules.free_days)), rules.rounding) for s in in_model), Decimal(0)
        )
    return MunicipalityLine(
        municipality=municipality,
        stays=len(stays),
        ready_days=sum(s.ready_days for s in stays),
        average_days=average,
        billable_days=billable + sum((ls.billable_days for ls in long_stays), Decimal(0)),
        day_amount_sek=day_amount,
        amount_sek=money(billable, day_amount) + sum((ls.amount_sek for ls in long_stays), Decimal(0)),
        long_stays=tuple(long_stays),
    )


def merge_lines(parts: list[MunicipalityLine]) -> MunicipalityLine:
    """A municipality's care types (separate rule sets) added into one invoice line."""
    if len(parts) == 1:
        return parts[0]
    stays = sum(p.stays for p in parts)
    ready_days = sum(p.ready_days for p in parts)
    return MunicipalityLine(
        municipality=parts[0].municipality,
        stays=stays,
        ready_days=ready_days,
        average_days=Decimal(ready_days) / stays,
        billable_days=sum((p.billable_days for p in parts), Decimal(0)),
        day_amount_sek=parts[0].day_amount_sek,
        amount_sek=sum((p.amount_sek for p in parts), Decimal(0)),
        long_stays=tuple(ls for p in parts for ls in p.long_stays),
    )
