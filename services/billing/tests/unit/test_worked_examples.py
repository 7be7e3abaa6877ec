"""Domain §3.3, the worked examples, exactly (2025-03-03 is a Monday)."""

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.domain.calendar import Month
from billing.domain.day_count import boundary_crossings
from billing.domain.facts import FactKind, StayFact
from billing.domain.ready_periods import stay_timeline
from billing.domain.settlement import settle

T = ZoneInfo("Europe/Stockholm")
NOON, MIDNIGHT = time(12), time(0)


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=T)


STAYS = {  # stay: periods (opened, closed)
    "A": [(at(3, 9), at(5, 15))],
    "B": [(at(3, 16), at(4, 11))],
    "C": [(at(3, 10), at(4, 8)), (at(6, 13), at(7, 14))],
    "D": [(at(3, 8, 30), at(3, 14))],
}


@pytest.mark.parametrize(("stay", "noon_days", "midnight_days"), [("A", 3, 2), ("B", 0, 1), ("C", 2, 2), ("D", 1, 0)])
def test_stays_a_to_d(stay, noon_days, midnight_days):
    assert sum(boundary_crossings(o, c, NOON) for o, c in STAYS[stay]) == noon_days
    assert sum(boundary_crossings(o, c, MIDNIGHT) for o, c in STAYS[stay]) == midnight_days


def test_exactly_at_the_boundary_counts_when_opened_and_not_when_closed():
    # opened_at <= b < closed_at (§3.1 rule 3)
    assert boundary_crossings(at(3, 12), at(3, 12, 1), NOON) == 1
    assert boundary_crossings(at(3, 11), at(3, 12), NOON) == 0
    assert boundary_crossings(at(3, 12), at(4, 12), NOON) == 1
    assert boundary_crossings(datetime(2025, 3, 3, 12, 0, 0, 1, tzinfo=T), at(4, 12), NOON) == 0


def stay_facts(stay_id: str, municipality: str, ready_days: int, year: int = 2022) -> list[StayFact]:
    """A stay discharged in March `year` with exactly `ready_days` noon boundaries while ready."""
    ready = datetime(year, 3, 1, 9, tzinfo=T)
    discharged = (
        datetime(year, 3, 1 + ready_days - 1, 15, tzinfo=T) if ready_days else datetime(year, 3, 1, 10, tzinfo=T)
    )
    return [
        StayFact(stay_id, FactKind.ADMISSION_NOTICE, ready.replace(hour=1), f"{stay_id}-a", municipality),
        StayFact(stay_id, FactKind.DISCHARGE_READY, ready, f"{stay_id}-r"),
        StayFact(stay_id, FactKind.DISCHARGED, discharged, f"{stay_id}-d"),
    ]


def settle_days(agreement_id: str, days_by_municipality: dict[str, list[int]], year: int = 2022):  # type: ignore[no-untyped-def]
    timelines = []
    for municipality, days in days_by_municipality.items():
        for i, d in enumerate(days):
            sid = f"{municipality}-{i}"
            timelines.append(stay_timeline(sid, stay_facts(sid, municipality, d, year)))
    return settle(load_agreement(agreement_id), Month(year, 3), timelines, load_day_amounts())


def test_municipality_y_pays_four_days_and_x_pays_nothing():
    result = settle_days("skane-2018", {"1280": [0, 1, 1, 2, 3, 3, 4, 5, 6, 7], "1281": [0, 0, 1, 2, 3, 4, 5, 7]})
    y, x = result.municipalities
    assert (y.municipality, y.stays, y.ready_days, y.average_days) == ("1280", 10, 32, Decimal("3.2"))
    assert (y.billable_days, y.day_amount_sek, y.amount_sek) == (Decimal("4.0"), Decimal("9300"), Decimal("37200.00"))
    assert (x.stays, x.ready_days, x.average_days, x.billable_days, x.amount_sek) == (
        8,
        22,
        Decimal("2.75"),
        Decimal("0"),
        Decimal("0.00"),
    )


def test_seven_stays_with_twenty_days_pay_0_4_days():
    [line] = settle_days("skane-2018", {"1283": [2, 3, 3, 3, 3, 3, 3]}).municipalities
    assert (line.ready_days, line.billable_days, line.amount_sek) == (20, Decimal("0.4"), Decimal("3720.00"))


def test_long_stayer_proposal_bills_x_s_seven_day_wait_separately():
    # With a 00:00 boundary these stays count one day less each (ready 09:00, discharged 15:00).
    result = settle_days("skane-longstay-proposal", {"1281": [0, 0, 1, 2, 3, 4, 5, 10]})
    [line] = result.municipalities
    [long_stay] = line.long_stays
    assert (long_stay.stay_id, long_stay.ready_days, long_stay.billable_days) == ("1281-7", 9, Decimal(2))
    assert long_stay.amount_sek == Decimal("18600.00")
    assert line.amount_sek == Decimal("18600.00")  # the rest average 1.5: nothing billed in the average


def test_law_default_bills_each_stay_beyond_three_days():
    # 00:00 boundary: [0, 4, 6] noon days are [0, 3, 5] midnight days; beyond 3: 0 + 0 + 2.
    [line] = settle_days("law-default", {"1290": [0, 4, 6]}).municipalities
    assert (line.ready_days, line.billable_days, line.amount_sek) == (8, Decimal(2), Decimal("18600.00"))


def test_a_year_without_a_sourced_amount_is_an_error_naming_the_year():
    with pytest.raises(ValueError, match="no sourced day amount for 2025"):
        settle_days("skane-2018", {"1280": [3]}, year=2025)
