"""ADR 0016, the process wave's facts in the domain: a cancelled notice is never billed; a death or a declined
support ends the ready period and the stay; a move splits the stay between the municipalities; a backdated notice
opens its period at the real send time; and the facts billing refuses or keeps once (ADR 0012). 2022: 9 300 SEK per
day."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact, check_new_fact
from billing.domain.moves import municipal_parts
from billing.domain.ready_periods import stay_timeline
from billing.domain.settlement import settle
from svu_shared.facts import DuplicateEvent, RejectedEvent

T = ZoneInfo("Europe/Stockholm")
K = FactKind
SKANE = load_agreement("skane-2018")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, 3, day, hour, minute, tzinfo=T)


def fact(stay: str, kind: FactKind, when: datetime, **extra) -> StayFact:  # type: ignore[no-untyped-def]
    return StayFact(stay, kind, when, f"{stay}-{kind}-{when:%d%H%M}", **extra)


def plain(stay: str, home: str, ready: datetime, out: datetime | None) -> list[StayFact]:
    facts = [fact(stay, K.ADMISSION_NOTICE, at(1, 1), municipality=home), fact(stay, K.DISCHARGE_READY, ready)]
    return facts + ([fact(stay, K.DISCHARGED, out)] if out else [])


def month(facts: list[StayFact]):  # type: ignore[no-untyped-def]
    stays: dict[str, list[StayFact]] = {}
    for f in facts:
        stays.setdefault(f.stay_id, []).append(f)
    return settle(SKANE, Month(2022, 3), [stay_timeline(s, fs) for s, fs in stays.items()], load_day_amounts())


def test_a_cancelled_stay_is_left_out_of_cohort_and_anomalies():
    facts = plain("a", "1280", at(1, 9), at(6, 15)) + plain("b", "1280", at(1, 9), at(4, 15))
    assert month(facts).municipalities[0].ready_days == 10
    cancelled = [*facts, fact("a", K.NOTICE_CANCELLED, at(2, 8), reason="fel patient")]
    [line] = month(cancelled).municipalities
    assert (line.stays, line.ready_days, line.amount_sek) == (1, 4, Decimal("11160.00"))  # 4 - 2.8 = 1.2 days
    never_out = [*plain("c", "1280", at(1, 9), None), fact("c", K.NOTICE_CANCELLED, at(2, 8), reason="r")]
    assert month(never_out).anomalies == ()  # no "ready without a discharge" for a stay that is not billed


def test_death_and_declined_support_end_the_ready_period():
    died = [*plain("d", "1280", at(1, 9), at(3, 16)), fact("d", K.PROCESS_INTERRUPTED, at(3, 10), reason="died")]
    timeline = stay_timeline("d", died)
    assert [(p.closed_at, p.closed_by) for p in timeline.periods] == [(at(3, 10), "d-process_interrupted-031000")]
    assert (timeline.ended_at, timeline.discharged_at, timeline.anomalies) == (at(3, 10), at(3, 16), ())
    assert month(died).municipalities[0].ready_days == 2  # noon 1 and 2; 3 had the clock run to the discharge
    # Death with no discharge recorded: the stay ends at death, in the month of death.
    no_record = [f for f in died if f.kind is not K.DISCHARGED]
    assert month(no_record).municipalities[0].ready_days == 2 and month(no_record).anomalies == ()
    declined = [
        *plain("s", "1280", at(1, 9), at(8, 15)),
        fact("s", K.PROCESS_INTERRUPTED, at(2, 13), reason="declined_support"),
        fact("s", K.DISCHARGE_READY_WITHDRAWN, at(2, 14)),  # closed already: no anomaly
    ]
    assert month(declined).municipalities[0].ready_days == 2  # noon 1 and 2: the process ended at 13:00 on the 2nd
    assert stay_timeline("s", declined).ended_at == at(2, 13)  # its end for billing: no discharge follows it
    never_out = [f for f in declined if f.kind is not K.DISCHARGED]
    assert month(never_out).anomalies == () and month(never_out).municipalities[0].ready_days == 2
    again = [*declined, fact("s", K.DISCHARGE_READY, at(2, 14))]
    [anomaly] = month(again).anomalies
    assert anomaly.reason == (
        "discharge-ready notice at 2022-03-02T14:00:00+01:00 after the process was interrupted (declined_support)"
    )
    after_out = [*plain("o", "1280", at(1, 9), at(3, 15)), fact("o", K.PROCESS_INTERRUPTED, at(5, 9), reason="died")]
    assert stay_timeline("o", after_out).process_ended_at is None and month(after_out).municipalities[0].ready_days == 3


def test_a_move_splits_the_days_at_the_move_and_each_part_is_a_stay_of_its_municipality():
    moved = [
        *plain("m", "1280", at(1, 9), at(6, 15)),
        fact("m", K.PROCESS_INTERRUPTED, at(3, 10), municipality="1281", reason="moved_municipality"),
    ]
    parts = municipal_parts(stay_timeline("m", moved))
    assert [(p.municipality, [(q.opened_at, q.closed_at) for q in p.periods]) for p in parts] == [
        ("1280", [(at(1, 9), at(3, 10))]),
        ("1281", [(at(3, 10), at(6, 15))]),
    ]
    lines = {line.municipality: (line.stays, line.ready_days) for line in month(moved).municipalities}
    assert lines == {"1280": (1, 2), "1281": (1, 4)}  # 6 days in all, none lost, none doubled
    # A move before the notice: the new municipality has the whole stay, the old one no ready part.
    early = [*plain("e", "1280", at(2, 9), at(4, 15))]
    early.append(fact("e", K.PROCESS_INTERRUPTED, at(1, 20), municipality="1283", reason="moved_municipality"))
    assert [(line.municipality, line.ready_days) for line in month(early).municipalities] == [("1283", 3)]
    unnamed = [
        *plain("u", "1280", at(2, 9), at(4, 15)),
        fact("u", K.PROCESS_INTERRUPTED, at(3, 9), reason="moved_municipality"),
    ]
    assert "does not name" in month(unnamed).anomalies[0].reason


def test_a_backdated_notice_opens_at_its_real_send_time_and_says_so():
    received, sent = at(3, 13, 20), at(3, 9)
    facts = [
        *plain("p", "1280", received, at(5, 15)),
        fact("p", K.DISCHARGE_READY_BACKDATED, sent, reason="faxad", received_at=received),
    ]
    [period] = stay_timeline("p", facts).periods
    assert (period.opened_at, period.backdated_from, period.backdating_reason) == (sent, received, "faxad")
    assert period.opened_by == "p-discharge_ready-031320"
    assert month(facts).municipalities[0].ready_days == 3  # noon 3, 4, 5 (2 from the receipt)
    [stay] = month(facts).stays
    assert stay.periods[0].backdated_from == received and "p-discharge_ready_backdated-030900" in stay.event_ids
    stray = [
        *plain("q", "1280", at(3, 9), at(5, 15)),
        fact("q", K.DISCHARGE_READY_BACKDATED, sent, received_at=at(4, 9)),
    ]
    assert "that billing does not have" in month(stray).anomalies[0].reason


def test_billing_keeps_a_cancellation_and_a_backdating_once_and_refuses_a_later_send_time():
    cancel = fact("c", K.NOTICE_CANCELLED, at(2, 8), reason="fel patient")
    with pytest.raises(DuplicateEvent):
        check_new_fact([cancel], StayFact("c", K.NOTICE_CANCELLED, at(2, 8), "other", reason="fel patient"))
    with pytest.raises(RejectedEvent, match="already has its notice_cancelled"):
        check_new_fact([cancel], StayFact("c", K.NOTICE_CANCELLED, at(2, 9), "other", reason="fel patient"))
    back = fact("c", K.DISCHARGE_READY_BACKDATED, at(3, 9), reason="r", received_at=at(3, 13))
    with pytest.raises(RejectedEvent, match="already backdated"):
        check_new_fact(
            [back], StayFact("c", K.DISCHARGE_READY_BACKDATED, at(3, 8), "x", reason="r", received_at=at(3, 13))
        )
    with pytest.raises(RejectedEvent, match="earlier, not to"):
        check_new_fact(
            [], StayFact("c", K.DISCHARGE_READY_BACKDATED, at(3, 14), "x", reason="r", received_at=at(3, 13))
        )
    check_new_fact([back], fact("c", K.PROCESS_INTERRUPTED, at(4, 9), municipality="1281", reason="moved_municipality"))
