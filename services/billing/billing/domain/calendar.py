"""Calendar rules of the agreements: every day and month is a Europe/Stockholm one (domain §3.1)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
