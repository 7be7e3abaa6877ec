"""A move to another municipality during a stay (avbrott i processen, moved_municipality; ADR 0016): the stay's
ready time is split at each move, and each municipality pays for the part of the stay while the patient was its
resident (domain §3.1 rule 1: a stay belongs to the municipality where the patient is folkbokförd).

Each part is a stay of its municipality's month: counted in its N with the ready days of its part. Counting by
boundary crossings is additive (the property tests: splitting a period never changes the total), so a move never
adds or loses a day across the municipalities."""

from dataclasses import replace
from datetime import datetime

from billing.domain.ready_periods import ReadyPeriod, StayTimeline


def _clip(
    period: ReadyPeriod, start: datetime | None, end: datetime | None, moves: dict[datetime, str]
) -> ReadyPeriod | None:
    """The part of `period` in [start, end) (None: unbounded), opened or closed by the move where it is cut."""
    assert period.closed_at is not None  # only a stay that has ended is split
    opened = period.opened_at if start is None else max(period.opened_at, start)
    closed = period.closed_at if end is None else min(period.closed_at, end)
    if period.opened_at == period.closed_at:  # a notice and discharge at one instant: in the part holding it
        inside = (start is None or start <= opened) and (end is None or opened < end)
        return period if inside else None
    if opened >= closed:
        return None
    cut_open, cut_close = opened != period.opened_at, closed != period.closed_at
    note = "; ".join(
        n
        for n in (
            f"opened at the move: the new municipality pays from {opened.isoformat()}" if cut_open else "",
            f"closed at the move to another municipality at {closed.isoformat()}" if cut_close else "",
            period.note,
        )
        if n
    )
    return replace(
        period,
        opened_at=opened,
        closed_at=closed,
        opened_by=moves[opened] if cut_open else period.opened_by,
        closed_by=moves[closed] if cut_close else period.closed_by,
        backdated_from=None if cut_open else period.backdated_from,
        backdating_reason=None if cut_open else period.backdating_reason,
        note=note,
    )


def municipal_parts(timeline: StayTimeline) -> list[StayTimeline]:
    """The stay as each municipality pays for it: itself when the patient did not move while it lasted."""
    end = timeline.ended_at
    moves = [m for m in timeline.moves if end is None or m.at < end]
    if not moves:
        return [timeline]
    by_instant = {m.at: m.event_id for m in moves}
    bounds: list[tuple[str | None, datetime | None, datetime | None]] = []
    holder, start = timeline.municipality, None
    for move in moves:
        bounds.append((holder, start, move.at))
        holder, start = move.municipality, move.at
    bounds.append((holder, start, None))
    parts = []
    for municipality, part_start, part_end in bounds:
        periods = tuple(
            clipped for p in timeline.periods if (clipped := _clip(p, part_start, part_end, by_instant)) is not None
        )
        parts.append(replace(timeline, municipality=municipality, periods=periods, moves=()))
    return parts
