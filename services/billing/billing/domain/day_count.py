"""Counting ready days of ready periods (domain §3.1 rule 3 and the counting variants of §3.2), for a whole column
of periods at once (ADR 0019). Both rules work on the Stockholm wall clock: a period's opening and closing instants
are read as a local date and a local time of day, and the boundary is compared with the time of day. That equals
comparing instants because the boundary instant is on the same local date and never inside the hour DST skips or
repeats (02:00–03:00; `RuleSet` refuses such a boundary), so DST changes do not matter (rule 3)."""

from collections.abc import Callable
from datetime import datetime, time

import polars as pl

from billing.domain.calendar import DAY_US, local_clock, micros_of_day
from billing.domain.facts import micros


def boundary_crossings_rule(opened: pl.Expr, closed: pl.Expr, boundary: time) -> pl.Expr:
    """Rule 3: one day per boundary instant b (skane-2018: 12:00 local, every date) with opened_at <= b < closed_at:
    the patient was ready and still in hospital at the boundary. With 00:00 this equals the number of date changes.
    The first boundary counted is on the opening date unless the period opened after it; the last is on the closing
    date if the period closed after it. `opened`, `closed`: the Stockholm wall clock of the instants (`local_clock`)."""
    b = micros_of_day(boundary)
    first = opened.floordiv(DAY_US) + (opened.mod(DAY_US) > b).cast(pl.Int64)
    last = closed.floordiv(DAY_US) - (closed.mod(DAY_US) <= b).cast(pl.Int64)
    return pl.max_horizontal(last - first + 1, pl.lit(0, pl.Int64))


def notice_cutoff_rule(opened: pl.Expr, closed: pl.Expr, cutoff: time) -> pl.Expr:
    """§3.2 notice cut-off: a notice before the cut-off makes its own date day 0, otherwise the next date; the days
    are the closing date minus day 0 (Stockholm dates), never negative."""
    c = micros_of_day(cutoff)
    day_zero = opened.floordiv(DAY_US) + (opened.mod(DAY_US) >= c).cast(pl.Int64)
    return pl.max_horizontal(closed.floordiv(DAY_US) - day_zero, pl.lit(0, pl.Int64))


COUNTING_METHODS: dict[str, Callable[[pl.Expr, pl.Expr, time], pl.Expr]] = {
    "boundary_crossings": boundary_crossings_rule,
    "notice_cutoff": notice_cutoff_rule,
}


def _one_period(counting: str, opened_at: datetime, closed_at: datetime, boundary: time) -> int:
    one = pl.DataFrame({"opened_at": [micros(opened_at)], "closed_at": [micros(closed_at)]})
    rule = COUNTING_METHODS[counting](local_clock(pl.col("opened_at")), local_clock(pl.col("closed_at")), boundary)
    return int(one.select(rule).item())


def boundary_crossings(opened_at: datetime, closed_at: datetime, boundary: time) -> int:
    """One period counted by `boundary_crossings_rule` (the worked examples, the properties)."""
    return _one_period("boundary_crossings", opened_at, closed_at, boundary)


def notice_cutoff(opened_at: datetime, closed_at: datetime, cutoff: time) -> int:
    """One period counted by `notice_cutoff_rule`."""
    return _one_period("notice_cutoff", opened_at, closed_at, cutoff)
