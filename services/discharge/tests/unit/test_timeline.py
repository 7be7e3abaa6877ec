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
