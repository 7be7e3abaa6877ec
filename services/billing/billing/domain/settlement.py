"""The monthly settlement of payment responsibility (domain §3.1 rules 4 and 5; variants of §3.2).

Pure: stay timelines, an agreement and the day amounts in; one line per municipality and the anomalies out.
The counted stays are summed per municipality as integer days in columns (ADR 0019); every figure computed from
those sums is Decimal, and amounts are rounded half-up to öre once, per billed group or long stay.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cached_property

import polars as pl

from billing.domain.agreement import Agreement, AgreementError, DayAmounts, RuleSet
from billing.domain.calendar import Month
from billing.domain.cohort import Anomaly, Cohort, CountedStay, Credited, cohort
from billing.domain.ready_periods import StayTimeline, Timelines

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
    counted: Cohort | None = field(default=None, repr=False, compare=False)

    @cached_property
    def stays(self) -> tuple[CountedStay, ...]:
        """The counted stays with their periods and event ids (the underlag), from the computation of the sums."""
        return tuple(self.counted.objects()) if self.counted is not None else ()


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
    timelines: Timelines | Iterable[StayTimeline],
    day_amounts: DayAmounts,
    credited: Credited | None = None,
) -> Settlement:
    """`credited`: the month's accepted disputes under this agreement (ADR 0016); none for a what-if."""
    check_valid(agreement, period)
    day_amount = day_amounts.for_year(period.year)
    counted = cohort(agreement, period, timelines, credited)
    # Stays are averaged per municipality and rule set: care types share one average unless the agreement
    # gives them separate parameter sets (§3.2 "care type").
    rule_sets = list(dict.fromkeys([agreement.rules, *agreement.care_types.values()]))
    stays = counted.stays.with_row_index("row").with_columns(rule_set=_rule_set_index(agreement, rule_sets))
    parts: list[tuple[int, MunicipalityLine]] = []
    for i, rules in enumerate(rule_sets):
        mine = stays.filter(pl.col("rule_set") == i)
        parts += [(first, line) for first, line in _settle_groups(mine, rules, day_amount)]
    lines: dict[str, list[MunicipalityLine]] = {}
    for _, line in sorted(parts, key=lambda p: p[0]):  # in the order of each group's first stay, as listed
        lines.setdefault(line.municipality, []).append(line)
    return Settlement(
        agreement=agreement.id,
        period=period,
        municipalities=tuple(merge_lines(parts) for _, parts in sorted(lines.items())),
        anomalies=counted.anomalies,
        counted=counted,
    )


def _rule_set_index(agreement: Agreement, rule_sets: list[RuleSet]) -> pl.Expr:
    expr = pl.lit(rule_sets.index(agreement.rules))
    for care_type, rules in agreement.care_types.items():
        expr = pl.when(pl.col("care_type") == care_type).then(rule_sets.index(rules)).otherwise(expr)
    return expr


def _settle_groups(stays: pl.DataFrame, rules: RuleSet, day_amount: Decimal) -> Iterable[tuple[int, MunicipalityLine]]:
    """Each municipality's stays under one rule set, summed in columns: the stays and days of the group, those of
    the stays in the model (the average or free days), and the long stays on their own (§3.2)."""
    days = pl.col("ready_days")
    long = days > rules.long_stay.over_days if rules.long_stay is not None else pl.repeat(False, pl.len())
    totals = stays.group_by("municipality").agg(
        first=pl.col("row").min(),
        stays=pl.len(),
        ready_days=days.sum(),
        n=(~long).sum(),
        d=days.filter(~long).sum(),
        # §3.2 individual model: whole days beyond the free days; rounding whole days leaves them as they are.
        beyond_free=(days - rules.free_days).clip(lower_bound=0).filter(~long).sum(),
    )
    long_stays: dict[str, list[tuple[str, int]]] = {}
    for municipality, stay_id, ready_days in stays.filter(long).select("municipality", "stay_id", "ready_days").rows():
        long_stays.setdefault(municipality, []).append((stay_id, ready_days))
    for t in totals.iter_rows(named=True):
        yield (
            t["first"],
            settle_totals(
                t["municipality"],
                GroupTotals(t["stays"], t["ready_days"], t["n"], t["d"], t["beyond_free"]),
                long_stays.get(t["municipality"], []),
                rules,
                day_amount,
            ),
        )


@dataclass(frozen=True)
class GroupTotals:
    """One municipality's stays under one rule set, summed: all of them, and those in the model (not long stays)."""

    stays: int
    ready_days: int
    n: int
    d: int
    beyond_free: int  # Σ max(0, ready days − free days) over the stays in the model


def settle_totals(
    municipality: str, totals: GroupTotals, long_stays: list[tuple[str, int]], rules: RuleSet, day_amount: Decimal
) -> MunicipalityLine:
    """One municipality's stays under one rule set (one care type), from their sums, in Decimal."""
    billed_long: list[LongStay] = []
    if rules.long_stay is not None:
        # §3.2 long-stayer proposal: these stays leave the average and are billed beyond the bill-from day.
        for stay_id, ready_days in long_stays:
            days, amount = _long_stay_bill(ready_days, rules.long_stay.bill_from_day, rules.rounding, day_amount)
            billed_long.append(LongStay(stay_id, ready_days, days, amount))
    n, d = totals.n, totals.d
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
        billable = Decimal(totals.beyond_free)
    return MunicipalityLine(
        municipality=municipality,
        stays=totals.stays,
        ready_days=totals.ready_days,
        average_days=average,
        billable_days=billable + sum((ls.billable_days for ls in billed_long), Decimal(0)),
        day_amount_sek=day_amount,
        amount_sek=money(billable, day_amount) + sum((ls.amount_sek for ls in billed_long), Decimal(0)),
        long_stays=tuple(billed_long),
    )


@functools.lru_cache(maxsize=4096)
def _long_stay_bill(ready_days: int, bill_from_day: int, rounding: str, day_amount: Decimal) -> tuple[Decimal, Decimal]:
    """A long stay's billable days and amount (§3.2 long-stayer proposal): the same for every stay with as many ready
    days, so computed once per number of days (a month has thousands of long stays, a few dozen distinct lengths)."""
    days = round_days(Decimal(ready_days - bill_from_day), rounding)
    return days, money(days, day_amount)


def settle_group(municipality: str, stays: list[CountedStay], rules: RuleSet, day_amount: Decimal) -> MunicipalityLine:
    """One municipality's stays under one rule set, given as objects (the dispute properties): the same sums."""
    frame = pl.DataFrame(
        {
            "municipality": [municipality] * len(stays),
            "stay_id": [s.stay_id for s in stays],
            "ready_days": [s.ready_days for s in stays],
        },
        schema={"municipality": pl.String, "stay_id": pl.String, "ready_days": pl.Int64},
    ).with_row_index("row")
    [(_, line)] = _settle_groups(frame, rules, day_amount)
    return line


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
