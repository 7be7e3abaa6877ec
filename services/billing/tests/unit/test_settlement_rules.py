"""Domain §3.1 rules 1 and 7 and the §3.2 variants, on small hand-made months."""

from dataclasses import replace
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.adapters.agreement_files import available_agreements, load_agreement, load_day_amounts
from billing.domain.calendar import Month
from billing.domain.cohort import Anomaly
from billing.domain.day_count import notice_cutoff
from billing.domain.facts import FactKind, StayFact
from billing.domain.ready_periods import stay_timeline
from billing.domain.settlement import settle

T = ZoneInfo("Europe/Stockholm")
K = FactKind


def f(stay: str, kind: FactKind, day: int, hour: int, month: int = 3, municipality: str | None = None) -> StayFact:
    return StayFact(stay, kind, datetime(2022, month, day, hour, tzinfo=T), f"{stay}-{kind}-{day}-{hour}", municipality)


def run(facts: list[StayFact], agreement: str = "skane-2018"):  # type: ignore[no-untyped-def]
    stays: dict[str, list[StayFact]] = {}
    for fact in facts:
        stays.setdefault(fact.stay_id, []).append(fact)
    return settle(
        load_agreement(agreement), Month(2022, 3), [stay_timeline(s, fs) for s, fs in stays.items()], load_day_amounts()
    )


def test_cohort_needs_admission_notice_and_discharge_ready_and_a_discharge_in_the_month():
    facts = [
        f("in", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("in", K.DISCHARGE_READY, 2, 9),
        f("in", K.DISCHARGED, 4, 15),
        f("no-notice", K.DISCHARGE_READY, 2, 9),
        f("no-notice", K.DISCHARGED, 4, 15),
        f("never-ready", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("never-ready", K.DISCHARGED, 4, 15),
        f("april", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("april", K.DISCHARGE_READY, 30, 9),
        f("april", K.DISCHARGED, 1, 15, month=4),
    ]
    [line] = run(facts).municipalities
    assert (line.stays, line.ready_days) == (1, 3)


def test_discharge_month_is_a_stockholm_month():
    # 2022-03-31T23:30 UTC is 1 April 01:30 in Stockholm: an April stay.
    facts = [
        f("s", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("s", K.DISCHARGE_READY, 30, 9),
        StayFact("s", K.DISCHARGED, datetime(2022, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")), "d"),
    ]
    assert run(facts).municipalities == ()


def test_anomalies_are_reported_and_left_out_of_the_sums():
    facts = [
        f("ok", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("ok", K.DISCHARGE_READY, 2, 9),
        f("ok", K.DISCHARGED, 4, 15),
        f("late", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("late", K.DISCHARGED, 4, 15),
        f("late", K.DISCHARGE_READY, 5, 9),
        f("open", K.ADMISSION_NOTICE, 1, 8, municipality="1280"),
        f("open", K.DISCHARGE_READY, 20, 9),
    ]
    result = run(facts)
    [line] = result.municipalities
    assert (line.stays, line.ready_days) == (1, 3)
    assert result.anomalies == (
        Anomaly("late", "discharge-ready notice at 2022-03-05T09:00:00+01:00 after discharge"),
        Anomaly("open", "no discharge in the month: discharge-ready without a discharge"),
    )


def test_care_type_parameter_sets_settle_separately_and_add_up():
    skane = load_agreement("skane-2018")
    psychiatric = replace(skane.rules, model="individual", free_days=5)
    agreement = replace(skane, care_types={"psychiatric": psychiatric})
    facts = []
    for stay, care_type, days in (("s1", "somatic", 4), ("p1", "psychiatric", 8)):
        facts += [
            StayFact(stay, K.ADMISSION_NOTICE, datetime(2022, 3, 1, 8, tzinfo=T), f"{stay}a", "1280", care_type),
            StayFact(stay, K.DISCHARGE_READY, datetime(2022, 3, 1, 9, tzinfo=T), f"{stay}r"),
            StayFact(stay, K.DISCHARGED, datetime(2022, 3, days, 15, tzinfo=T), f"{stay}d"),
        ]
    timelines = [stay_timeline(s, [x for x in facts if x.stay_id == s]) for s in ("s1", "p1")]
    [line] = settle(agreement, Month(2022, 3), timelines, load_day_amounts()).municipalities
    # somatic: 1 stay, 4 days, average 4 > 2.8 -> 1.2 days; psychiatric: 8 days beyond 5 free -> 3 days.
    assert (line.stays, line.ready_days, line.billable_days) == (2, 12, Decimal("4.2"))
    assert line.amount_sek == Decimal("39060.00")


def test_rounding_of_billable_days_floor_and_ceil():
    facts = []
    for i, days in enumerate([2, 3, 3, 3, 3, 3, 3]):
        s = f"s{i}"
        facts += [
            f(s, K.ADMISSION_NOTICE, 1, 8, municipality="1283"),
            f(s, K.DISCHARGE_READY, 1, 9),
            f(s, K.DISCHARGED, days, 15),
        ]
    stays = [stay_timeline(f"s{i}", [x for x in facts if x.stay_id == f"s{i}"]) for i in range(7)]
    skane = load_agreement("skane-2018")
    for rounding, expected in (("none", Decimal("0.4")), ("floor", Decimal(0)), ("ceil", Decimal(1))):
        agreement = replace(skane, rules=replace(skane.rules, rounding=rounding))
        [line] = settle(agreement, Month(2022, 3), stays, load_day_amounts()).municipalities
        assert line.billable_days == expected


def test_notice_cutoff_counting():
    noon = time(12)
    assert notice_cutoff(datetime(2025, 3, 3, 9, tzinfo=T), datetime(2025, 3, 5, 15, tzinfo=T), noon) == 2
    assert notice_cutoff(datetime(2025, 3, 3, 16, tzinfo=T), datetime(2025, 3, 5, 15, tzinfo=T), noon) == 1
    assert notice_cutoff(datetime(2025, 3, 3, 16, tzinfo=T), datetime(2025, 3, 3, 18, tzinfo=T), noon) == 0


def test_the_four_required_agreements_are_shipped():
    assert {"skane-2018", "skane-2018-midnight", "skane-longstay-proposal", "law-default"} <= set(
        available_agreements()
    )
    assert load_agreement("skane-2018").rules.threshold_days == Decimal("2.8")


def test_care_types_share_one_average_when_the_agreement_has_one_rule_set():
    # skane-2018: same rules for somatic and psychiatric care. Somatic 4 days, psychiatric 1 day:
    # pooled average 2.5 <= 2.8 -> nothing (separately the somatic stay alone would be billed 1.2 days).
    facts = []
    for stay, care_type, last_day in (("s1", "somatic", 4), ("p1", "psychiatric", 1)):
        facts += [
            StayFact(stay, K.ADMISSION_NOTICE, datetime(2022, 3, 1, 8, tzinfo=T), f"{stay}a", "1280", care_type),
            StayFact(stay, K.DISCHARGE_READY, datetime(2022, 3, 1, 9, tzinfo=T), f"{stay}r"),
            StayFact(stay, K.DISCHARGED, datetime(2022, 3, last_day, 15, tzinfo=T), f"{stay}d"),
        ]
    [line] = run(facts).municipalities
    assert (line.stays, line.ready_days, line.average_days, line.billable_days) == (2, 5, Decimal("2.5"), Decimal(0))
