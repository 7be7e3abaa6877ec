"""Domain §3.1 rules 2 and 7: ready periods from the facts, anomalies reported and not guessed at."""

from datetime import datetime
from zoneinfo import ZoneInfo

from billing.domain.facts import FactKind, StayFact
from billing.domain.ready_periods import ReadyPeriod, stay_timeline

T = ZoneInfo("Europe/Stockholm")
K = FactKind


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=T)


def fact(kind: FactKind, when: datetime, eid: str) -> StayFact:
    return StayFact("C", kind, when, eid, "1280" if kind is K.ADMISSION_NOTICE else None)


def test_stay_c_has_two_periods_with_their_event_ids():
    facts = [
        fact(K.ADMISSION_NOTICE, at(1, 9), "a"),
        fact(K.DISCHARGE_READY, at(3, 10), "r1"),
        fact(K.DISCHARGE_READY_WITHDRAWN, at(4, 8), "w"),
        fact(K.DISCHARGE_READY, at(6, 13), "r2"),
        fact(K.DISCHARGED, at(7, 14), "d"),
    ]
    timeline = stay_timeline("C", reversed(facts))  # order of arrival does not matter
    assert timeline.periods == (
        ReadyPeriod(at(3, 10), at(4, 8), "r1", "w"),
        ReadyPeriod(at(6, 13), at(7, 14), "r2", "d"),
    )
    assert timeline.municipality == "1280"
    assert timeline.anomalies == ()
    assert timeline.event_ids == ("a", "d", "r1", "r2", "w")


def test_repeated_notice_while_ready_does_not_restart_the_period():
    timeline = stay_timeline(
        "C",
        [
            fact(K.DISCHARGE_READY, at(3, 10), "r1"),
            fact(K.DISCHARGE_READY, at(4, 10), "r2"),
            fact(K.DISCHARGED, at(5, 10), "d"),
        ],
    )
    assert timeline.periods == (ReadyPeriod(at(3, 10), at(5, 10), "r1", "d"),)


def test_contradictions_are_reported():
    timeline = stay_timeline(
        "C",
        [
            fact(K.DISCHARGE_READY_WITHDRAWN, at(3, 8), "w"),
            fact(K.DISCHARGED, at(5, 10), "d"),
            fact(K.DISCHARGE_READY, at(6, 10), "r"),
            fact(K.DISCHARGED, at(7, 10), "d2"),
        ],
    )
    assert timeline.periods == ()
    assert timeline.anomalies == (
        "withdrawal at 2025-03-03T08:00:00+01:00 while not discharge-ready",
        "discharge-ready notice at 2025-03-06T10:00:00+01:00 after discharge",
        "second discharge at 2025-03-07T10:00:00+01:00",
    )


def test_open_period_without_discharge_stays_open():
    timeline = stay_timeline("C", [fact(K.DISCHARGE_READY, at(3, 10), "r")])
    assert timeline.periods == (ReadyPeriod(at(3, 10), None, "r"),)
    assert timeline.discharged_at is None
