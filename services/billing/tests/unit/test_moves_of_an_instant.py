"""ADR 0019: a ready period of one instant (a notice withdrawn at the instant it was sent) belongs to the municipality
whose part of the stay holds that instant, and to no later one (the engine before ADR 0019 put it in every later part,
which made those parts eligible and one more of their N)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact
from billing.domain.moves import municipal_parts
from billing.domain.ready_periods import stay_timeline
from billing.domain.settlement import settle

T = ZoneInfo("Europe/Stockholm")
K = FactKind


def at(day: int, hour: int) -> datetime:
    return datetime(2022, 3, day, hour, tzinfo=T)


def test_a_period_of_one_instant_is_in_the_part_holding_it_only():
    facts = [
        StayFact("m", K.ADMISSION_NOTICE, at(1, 1), "a", "1280", "somatic"),
        StayFact("m", K.DISCHARGE_READY, at(2, 9), "r1"),
        StayFact("m", K.DISCHARGE_READY_WITHDRAWN, at(2, 9), "w"),
        StayFact("m", K.PROCESS_INTERRUPTED, at(3, 10), "move", "1281", reason="moved_municipality"),
        StayFact("m", K.DISCHARGE_READY, at(4, 9), "r2"),
        StayFact("m", K.DISCHARGED, at(6, 15), "d"),
    ]
    timeline = stay_timeline("m", facts)
    parts = {p.municipality: [(q.opened_by, q.closed_by) for q in p.periods] for p in municipal_parts(timeline)}
    assert parts == {"1280": [("r1", "w")], "1281": [("r2", "d")]}
    lines = settle(load_agreement("skane-2018"), Month(2022, 3), [timeline], load_day_amounts()).municipalities
    assert [(line.municipality, line.stays, line.ready_days) for line in lines] == [("1280", 1, 0), ("1281", 1, 3)]
