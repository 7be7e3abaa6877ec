"""Counting ready days of one ready period (domain §3.1 rule 3 and the counting variants of §3.2)."""

from datetime import datetime, time

from billing.domain.calendar import ONE_DAY, STOCKHOLM, boundary_on, local_date


def boundary_crossings(opened_at: datetime, closed_at: datetime, boundary: time) -> int:
    """One day per boundary instant b with opened_at <= b < closed_at: the patient was ready and still in
    hospital at the boundary (skane-2018: 12:00). With 00:00 this equals the number of date changes."""
    first = local_date(opened_at)
    if boundary_on(first, boundary) < opened_at:
        first += ONE_DAY
    last = local_date(closed_at)
    if boundary_on(last, boundary) >= closed_at:
        last -= ONE_DAY
    return max(0, (last - first).days + 1)


def notice_cutoff(opened_at: datetime, closed_at: datetime, cutoff: time) -> int:
    """A notice before the cut-off makes its own date day 0, otherwise the next date; the days are the
    closing date minus day 0 (Stockholm dates), never negative."""
    day_zero = local_date(opened_at)
    if opened_at.astimezone(STOCKHOLM).time() >= cutoff:
        day_zero += ONE_DAY
    return max(0, (local_date(closed_at) - day_zero).days)


COUNTING_METHODS = {"boundary_crossings": boundary_crossings, "notice_cutoff": notice_cutoff}
