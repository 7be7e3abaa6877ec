from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from discharge.domain.timeline import DischargeRuleBroken, DischargeTimeline, Status

T = ZoneInfo("Europe/Stockholm")
MON9, TUE8, THU13, FRI14 = (datetime(2025, 3, d, h, tzinfo=T) for d, h in ((3, 9), (4, 8), (6, 13), (7, 14)))


def test_ready_withdrawn_ready_again_discharged():
    t = DischargeTimeline("S1").notify_ready(MON9, MON9).withdraw(TUE8).notify_ready(THU13, THU13)
    assert (t.status, t.ready_since) == (Status.DISCHARGE_READY, THU13)
    t = t.discharge(FRI14, "home")
    assert (t.status, t.discharged_at, t.destination) == (Status.DISCHARGED, FRI14, "home")


def test_repeated_notice_does_not_restart_the_period():
    t = DischargeTimeline("S1").notify_ready(MON9, MON9).notify_ready(TUE8, TUE8)
    assert t.ready_since == MON9


def test_withdrawal_when_not_ready_names_the_rule():
    with pytest.raises(DischargeRuleBroken, match="only a discharge-ready patient"):
        DischargeTimeline("S1").withdraw(TUE8)


def test_second_discharge_names_the_rule():
    t = DischargeTimeline("S1").discharge(FRI14, "home")
    with pytest.raises(DischargeRuleBroken, match="already discharged"):
        t.discharge(FRI14, "home")


def test_notice_after_discharge_is_refused():
    t = DischargeTimeline("S1").discharge(FRI14, "deceased")
    with pytest.raises(DischargeRuleBroken, match="already discharged"):
        t.notify_ready(FRI14, FRI14)


def test_discharge_before_ready_notice_is_refused():
    with pytest.raises(DischargeRuleBroken, match="before the discharge-ready notice"):
        DischargeTimeline("S1").notify_ready(TUE8, TUE8).discharge(MON9, "home")


def test_a_new_notice_after_a_withdrawal_opens_a_new_period_and_counts_the_withdrawal():
    t = DischargeTimeline("S1").notify_ready(MON9, MON9).withdraw(TUE8)
    assert (t.status, t.ready_since, t.withdrawals) == (Status.ADMITTED, None, 1)
    t = t.notify_ready(THU13, THU13)
    assert (t.status, t.ready_since, t.withdrawals) == (Status.DISCHARGE_READY, THU13, 1)


def test_nothing_is_recorded_on_a_cancelled_stay():
    t = DischargeTimeline("S1").cancelled()
    for action, rule in (
        (lambda: t.notify_ready(MON9, MON9), "was cancelled \\(makulerad\\): a discharge-ready notice needs a live"),
        (lambda: t.discharge(FRI14, "home"), "was cancelled \\(makulerad\\): a discharge needs a live stay"),
        (lambda: t.estimate(FRI14.date()), "was cancelled"),
        (lambda: t.information_sent(FRI14, None), "there is nothing to inform of"),
        (lambda: t.withdraw(TUE8), "only a discharge-ready patient"),
    ):
        with pytest.raises(DischargeRuleBroken, match=rule):
            action()


def test_the_estimated_date_moves_until_discharge_and_must_move():
    t = DischargeTimeline("S1").estimate(FRI14.date())
    with pytest.raises(DischargeRuleBroken, match="already 2025-03-07"):
        t.estimate(FRI14.date())
    with pytest.raises(DischargeRuleBroken, match="already discharged"):
        t.discharge(FRI14, "home").estimate(THU13.date())


def test_information_at_discharge_keeps_each_documents_time_and_is_allowed_after_discharge():
    t = DischargeTimeline("S1").information_sent(THU13, None).discharge(FRI14, "home").information_sent(None, FRI14)
    assert (t.epicrisis_sent_at, t.medication_list_sent_at) == (THU13, FRI14)
    with pytest.raises(DischargeRuleBroken, match="at least one of"):
        t.information_sent(None, None)


def test_a_patient_who_dies_while_discharge_ready_is_discharged_as_deceased_once():
    t = DischargeTimeline("S1").notify_ready(MON9, MON9).discharge(THU13, "deceased")
    assert (t.status, t.destination, t.ready_since) == (Status.DISCHARGED, "deceased", MON9)
    with pytest.raises(DischargeRuleBroken, match="a stay has one discharge"):
        t.discharge(FRI14, "home")
