"""A discharge-ready notice is sent when the server receives it; a paper notice's earlier send time is recorded by a
reasoned backdating of the latest ready period's notice, once (ADR 0015)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from discharge.domain.timeline import DischargeRuleBroken, DischargeTimeline, Status

T = ZoneInfo("Europe/Stockholm")
JUDGED, PAPER, RECEIVED = (datetime(2025, 3, 3, h, m, tzinfo=T) for h, m in ((8, 40), (9, 0), (13, 20)))
NOW = datetime(2025, 3, 3, 13, 25, tzinfo=T)


def ready() -> DischargeTimeline:
    return DischargeTimeline("S1").notify_ready(JUDGED, RECEIVED)


def test_a_notice_opens_its_period_at_receipt_and_keeps_its_judgement():
    t = ready()
    assert (t.status, t.ready_since, t.ready_received_at, t.ready_judged_at) == (
        Status.DISCHARGE_READY,
        RECEIVED,
        RECEIVED,
        JUDGED,
    )
    again = t.notify_ready(NOW, NOW)  # a repeated notice does not restart the period (domain §3.1 rule 2)
    assert (again.ready_since, again.ready_received_at, again.ready_judged_at) == (RECEIVED, RECEIVED, JUDGED)


def test_a_backdating_moves_the_open_periods_start_and_keeps_its_reason():
    t = ready().backdate(PAPER, "faxad under driftstopp", NOW)
    assert (t.ready_since, t.backdated_sent_at, t.backdating_reason, t.backdated_at) == (
        PAPER,
        PAPER,
        "faxad under driftstopp",
        NOW,
    )
    assert t.ready_received_at == RECEIVED
    assert ready().backdate(RECEIVED, "r", NOW).ready_since == RECEIVED  # not after the receipt: the receipt is


def test_a_notice_is_backdated_once():
    t = ready().backdate(PAPER, "r", NOW)
    with pytest.raises(
        DischargeRuleBroken,
        match=r"received at 2025-03-03T13:20:00\+01:00 was already backdated to 2025-03-03T09:00:00\+01:00 "
        r"\(at 2025-03-03T13:25:00\+01:00\): a notice is backdated once",
    ):
        t.backdate(JUDGED, "r", NOW)


@pytest.mark.parametrize(
    ("sent_at", "now", "rule"),
    [
        (NOW + timedelta(minutes=1), NOW, "sent_at cannot be in the future"),
        (RECEIVED + timedelta(minutes=1), NOW + timedelta(hours=1), r"cannot be after the notice was received \(2025"),
        (JUDGED - timedelta(minutes=1), NOW, r"before the physician's judgement \(judged_at 2025-03-03T08:40:00\+01"),
    ],
)
def test_a_backdating_is_not_in_the_future_not_after_receipt_and_not_before_the_judgement(sent_at, now, rule):
    with pytest.raises(DischargeRuleBroken, match=rule):
        ready().backdate(sent_at, "r", now)


def test_only_the_latest_period_is_backdated_and_never_into_the_one_before():
    withdrawn_at = datetime(2025, 3, 4, 7, tzinfo=T)
    closed = ready().withdraw(withdrawn_at)
    backdated = closed.backdate(PAPER, "r", NOW)  # the latest period, closed: it stays closed
    assert (backdated.status, backdated.ready_since, backdated.backdated_sent_at) == (Status.ADMITTED, None, PAPER)
    second = closed.notify_ready(JUDGED, datetime(2025, 3, 6, 13, tzinfo=T))  # judged before the withdrawal
    assert (second.previous_period_closed_at, second.backdated_sent_at) == (withdrawn_at, None)
    with pytest.raises(DischargeRuleBroken, match="before the previous ready period was withdrawn"):
        second.backdate(PAPER, "r", datetime(2025, 3, 6, 14, tzinfo=T))
    assert second.backdate(withdrawn_at, "r", datetime(2025, 3, 6, 14, tzinfo=T)).ready_since == withdrawn_at


def test_a_discharged_stays_latest_notice_may_be_backdated_but_not_without_a_notice_or_a_live_stay():
    discharged = ready().discharge(NOW, "home").backdate(PAPER, "r", NOW)
    assert (discharged.status, discharged.ready_since) == (Status.DISCHARGED, PAPER)
    with pytest.raises(DischargeRuleBroken, match="stay S1 has no discharge-ready notice to backdate"):
        DischargeTimeline("S1").backdate(PAPER, "r", NOW)
    with pytest.raises(DischargeRuleBroken, match="was cancelled"):
        ready().cancelled().backdate(PAPER, "r", NOW)
    with pytest.raises(DischargeRuleBroken, match="the patient died"):
        ready().interrupted("died", NOW, None).backdate(PAPER, "r", NOW)
