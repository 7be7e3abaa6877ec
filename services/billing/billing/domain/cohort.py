"""The month's cohort (domain §3.1 rules 1, 3 and 7): which stays a municipality's month holds, with their
ready days and the events behind each, and which stays are anomalies left out of the sums. A cancelled stay is
never billed; a moved patient's stay is split between the municipalities; a stay whose days a municipality
disputed and finance accepted counts with no days (ADR 0016).

Every stay of the month at once (ADR 0019): `cohort` gives the counted stays and their periods as frames, from which
the settlement's sums and the invoice specification (underlag, with the event ids) are both read."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from billing.domain.agreement import Agreement, RuleSet
from billing.domain.calendar import Month, local_clock
from billing.domain.day_count import COUNTING_METHODS
from billing.domain.facts import instant, micros
from billing.domain.moves import split_at_moves
from billing.domain.ready_periods import StayTimeline, Timelines

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


def rules_by_care_type(agreement: Agreement, column: str, value: Callable[[RuleSet], pl.Expr]) -> pl.Expr:
    """A value per row from the rule set of the row's care type (§3.2 "care type": the agreement's own set for a care
    type that has one, its common rules otherwise)."""
    expr = value(agreement.rules)
    for care_type, rules in agreement.care_types.items():
        expr = pl.when(pl.col(column) == care_type).then(value(rules)).otherwise(expr)
    return expr


@dataclass(frozen=True)
class Cohort:
    """The month's counted stays (`stays`: one row per stay, or per municipality's part of a moved stay, in the order
    of stay ids) with their `periods`, and the anomalies left out of the sums."""

    stays: pl.DataFrame
    periods: pl.DataFrame
    anomalies: tuple[Anomaly, ...]
    timelines: Timelines

    def objects(self) -> list[CountedStay]:
        """Each counted stay with its periods and the event ids behind them, by municipality and stay: the underlag's
        lines."""
        periods: dict[tuple[int, int], list[CountedPeriod]] = defaultdict(list)
        period_ids: dict[tuple[int, int], list[str]] = defaultdict(list)
        ids = self.timelines.event_ids  # the event numbers written out as ids, for the underlag only
        for p in ids.numbered(self.periods.sort("stay", "part", "n"), "opened_by", "closed_by").iter_rows(named=True):
            key = (p["stay"], p["part"])
            periods[key].append(
                CountedPeriod(
                    instant(p["opened_at"], p["opened_offset"]),  # type: ignore[arg-type]
                    instant(p["closed_at"], p["closed_offset"]),  # type: ignore[arg-type]
                    p["opened_by"],
                    p["closed_by"],
                    p["days"],
                    instant(p["backdated_from"], p["backdated_offset"]),
                    p["backdating_reason"],
                    p["note"],
                )
            )
            period_ids[key] += [p["opened_by"], p["closed_by"]]
        others: dict[int, list[str]] = defaultdict(list)
        mine = self.timelines.others.join(self.stays.select("stay"), on="stay", how="semi")
        for stay, event_id in ids.numbered(mine, "event_id").select("stay", "event_id").rows():
            others[stay].append(event_id)
        counted = []
        stays = ids.numbered(self.stays.sort("municipality", "stay", "part"), *EVENT_COLUMNS)
        for s in stays.iter_rows(named=True):
            key = (s["stay"], s["part"])
            behind = [s["admission_notice"], s["sip_invitation"], s["discharged_by"], s["cancelled_by"]]
            behind += others[s["stay"]] + period_ids[key]
            counted.append(
                CountedStay(
                    s["stay_id"],
                    s["municipality"],
                    s["care_type"],
                    s["ready_days"],
                    tuple(periods[key]),
                    tuple(sorted({i for i in behind if i})),
                    s["credited_by"],
                    s["credited_days"],
                )
            )
        return counted


@dataclass(frozen=True)
class MonthMembers:
    """What a month's cohort is under any agreement: its stays, each municipality's part of a moved patient's stay on
    its own (`parts`, with whether it has a ready period and where its periods are: rows `first_period` up to
    `end_period` of `periods`), their `periods` in the order of parts with the Stockholm wall clock of each opening
    and closing, and the month's anomalies."""

    parts: pl.DataFrame
    periods: pl.DataFrame
    anomalies: tuple[Anomaly, ...]


def month_members(timelines: Timelines, period: Month) -> MonthMembers:
    """Computed once per month of the same timelines (a comparison settles them twice)."""
    if period not in timelines.months:
        timelines.months[period] = _month_members(timelines, period)
    return timelines.months[period]  # type: ignore[no-any-return]


def _month_members(timelines: Timelines, period: Month) -> MonthMembers:
    # The month in Stockholm (rule 1): from its first midnight to the next month's.
    start, end = micros(period.start()), micros(period.next().start())
    stays = timelines.stays.filter(pl.col("cancelled_by").is_null()).with_columns(  # makulering (ADR 0016)
        ended_at=timelines.ended_at
    )
    # Rule 7: a stay ready without a discharge by the month's end, or one whose facts contradict each other in the
    # month it ended, is reported with the month it concerns and left out of the sums.
    first_ready = timelines.periods.group_by("stay").agg(last_opened=pl.col("opened_at").max())
    never_ended = stays.filter(pl.col("ended_at").is_null()).join(first_ready, on="stay")
    never_ended = never_ended.filter(pl.col("last_opened") < end)
    ended_here = stays.filter((pl.col("ended_at") >= start) & (pl.col("ended_at") < end))
    contradicted = timelines.anomalies.join(ended_here.select("stay"), on="stay", how="semi").sort("stay", "n")
    open_end = "no discharge in the month: discharge-ready without a discharge"
    found = [Anomaly(stay_id, open_end) for stay_id in never_ended["stay_id"]]
    texts: dict[str, list[str]] = defaultdict(list)
    for stay_id, text in contradicted.select("stay_id", "text").iter_rows():
        texts[stay_id].append(text)
    found += [Anomaly(stay_id, "; ".join(words)) for stay_id, words in texts.items()]

    # Rule 1: the stays that ended in the month, each municipality's part of a moved patient's stay on its own.
    members = ended_here.join(contradicted, on="stay", how="anti")
    parts, periods = split_at_moves(timelines, members.select("stay", "municipality", "ended_at"))
    stay = timelines.stays  # a stay's row is its number: what a part takes from its stay is gathered from there
    parts = parts.sort("stay", "part")
    parts = parts.with_columns(
        part_key=_part_key(), **{c: stay[c].gather(parts["stay"]) for c in ("stay_id", *PART_NEEDS)}
    )
    periods = periods.with_columns(
        part_key=_part_key(),
        care_type=stay["care_type"].gather(periods["stay"]),
        opened_local=local_clock(pl.col("opened_at")),
        closed_local=local_clock(pl.col("closed_at")),
    )
    # Periods in the order of their parts: a part's periods are the rows `first_period` up to `end_period`.
    if not periods["part_key"].is_sorted():
        periods = periods.sort("part_key", "n")
    keys = periods["part_key"]
    parts = parts.with_columns(
        first_period=keys.search_sorted(parts["part_key"], side="left"),
        end_period=keys.search_sorted(parts["part_key"], side="right"),
    ).with_columns(ready=pl.col("end_period") > pl.col("first_period"))
    return MonthMembers(parts, periods, tuple(sorted(found, key=lambda a: a.stay_id)))


# What eligibility (§3.1 rule 1, §3.2), the rules by care type and the underlag take from a part's stay.
EVENT_COLUMNS = ("admission_notice", "sip_invitation", "discharged_by", "cancelled_by")
PART_NEEDS = ("care_type", *EVENT_COLUMNS)


def _part_key() -> pl.Expr:
    """A stay's part as one number (a stay has fewer than 65,536 parts: one more than its moves)."""
    return pl.col("stay").cast(pl.UInt64) * 65_536 + pl.col("part").cast(pl.UInt64)


def cohort(
    agreement: Agreement,
    period: Month,
    timelines: Timelines | Iterable[StayTimeline],
    credited: Credited | None = None,
) -> Cohort:
    """§3.1 rule 1: the month's stays per municipality with their ready days (rule 3); rule 7: the anomalies."""
    if not isinstance(timelines, Timelines):
        timelines = Timelines.of(timelines)
    members = month_members(timelines, period)
    # Rule 3 (and §3.2's counting variants): each period's days under its care type's rules.
    periods = members.periods.with_columns(
        days=rules_by_care_type(
            agreement,
            "care_type",
            lambda rules: COUNTING_METHODS[rules.counting](
                pl.col("opened_local"), pl.col("closed_local"), rules.day_boundary
            ),
        ).cast(pl.Int64)
    )
    # Each part's days summed along its periods' rows: the running total at its end less that at its start.
    before = pl.concat([pl.Series([0], dtype=pl.Int64), periods["days"].cum_sum()])
    parts = members.parts.with_columns(
        ready_days=before.gather(members.parts["end_period"]) - before.gather(members.parts["first_period"])
    )
    # §3.1 rule 1 (and §3.2 eligibility): the notices the agreement requires were sent to the municipality.
    counted = parts.filter(pl.col("municipality").is_not_null() & rules_by_care_type(agreement, "care_type", _eligible))
    if counted.height < parts.height:
        periods = periods.filter(pl.col("part_key").is_in(counted["part_key"].implode()))
    return Cohort(_credit(counted, credited or {}), periods, members.anomalies, timelines)


def _eligible(rules: RuleSet) -> pl.Expr:
    sent = {
        "admission_notice": pl.col("admission_notice").is_not_null(),
        "discharge_ready": pl.col("ready"),
        "sip_invitation": pl.col("sip_invitation").is_not_null(),
    }
    return pl.all_horizontal(pl.lit(True), *(sent[notice] for notice in rules.eligibility))


def _credit(stays: pl.DataFrame, credited: Credited) -> pl.DataFrame:
    """A stay whose disputed days finance accepted stays one of N with no ready days: the month's amount falls by
    exactly what its days added, and never rises (ADR 0016)."""
    if not credited:
        return stays.with_columns(credited_by=pl.lit(None, pl.String), credited_days=pl.lit(0, pl.Int64))
    disputes = pl.DataFrame(
        [(stay, municipality, dispute) for (stay, municipality), dispute in credited.items()],
        schema={"stay_id": pl.String, "municipality": pl.String, "credited_by": pl.String},
        orient="row",
    )
    credit_given = pl.col("credited_by").is_not_null()
    return stays.join(disputes, on=["stay_id", "municipality"], how="left", maintain_order="left").with_columns(
        ready_days=pl.when(credit_given).then(0).otherwise("ready_days"),
        credited_days=pl.when(credit_given).then("ready_days").otherwise(0),
    )


def credit(stay: CountedStay, credited: Credited) -> CountedStay:
    """One stay credited by `_credit` (the dispute rules' property tests)."""
    row = pl.DataFrame(
        {"stay_id": [stay.stay_id], "municipality": [stay.municipality], "ready_days": [stay.ready_days]}
    )
    [(ready_days, credited_by, credited_days)] = (
        _credit(row, credited).select("ready_days", "credited_by", "credited_days").rows()
    )
    if credited_by is None:
        return stay
    return CountedStay(
        stay.stay_id,
        stay.municipality,
        stay.care_type,
        ready_days,
        stay.periods,
        stay.event_ids,
        credited_by,
        credited_days,
    )
