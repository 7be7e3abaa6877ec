"""Calendar rules of the agreements: every day and month is a Europe/Stockholm one (domain §3.1)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        try:
            year, month = (int(p) for p in text.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValueError(f"period must be YYYY-MM, not {text!r}") from None
        return cls(year, month)

    @classmethod
    def of(cls, instant: datetime) -> "Month":
        local = instant.astimezone(STOCKHOLM)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def index(self) -> int:
        """Months since year 0, as `local_month` gives them: year × 12 + month − 1."""
        return self.year * 12 + self.month - 1

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def start(self) -> datetime:
        """The month's first instant: midnight on its first day in Stockholm."""
        return datetime.combine(self.first_day, time(0), tzinfo=STOCKHOLM)


def local_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def boundary_on(day: date, boundary: time) -> datetime:
    """The day-boundary instant on a Stockholm calendar date. 12:00 and 00:00 exist on every date:
    the DST changes happen at 02:00/03:00 (domain §3.1 rule 3)."""
    return datetime.combine(day, boundary, tzinfo=STOCKHOLM)


ONE_DAY = timedelta(days=1)


# The same calendar for the columnar engine (ADR 0019): an instant column (microseconds since the epoch, UTC) read
# as a Stockholm wall clock, through the time-zone database (so DST is the database's, not ours).
DAY_US = 86_400_000_000


def local_clock(instant_us: pl.Expr) -> pl.Expr:
    """Stockholm wall-clock time of each instant, as microseconds since 1970-01-01 00:00 local."""
    return (
        instant_us.cast(pl.Datetime("us", "UTC"))
        .dt.convert_time_zone(STOCKHOLM.key)
        .dt.replace_time_zone(None)
        .cast(pl.Int64)
    )


def local_day(instant_us: pl.Expr) -> pl.Expr:
    """The Stockholm calendar date of each instant, as a day number (days since 1970-01-01)."""
    return local_clock(instant_us).floordiv(DAY_US)


def local_month(instant_us: pl.Expr) -> pl.Expr:
    """The Stockholm month of each instant, as year × 12 + month − 1 (`Month.index`)."""
    local = local_clock(instant_us).cast(pl.Datetime("us"))
    return local.dt.year().cast(pl.Int32) * 12 + local.dt.month().cast(pl.Int32) - 1


def micros_of_day(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond
