"""Rättelse, makulering and transfer rules of the admission service (ADR 0010), each a 409 naming the rule."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from admission.domain.notice import (
    AdmissionNotice,
    InvalidNotice,
    NoticeRuleBroken,
    check_can_cancel,
    check_can_transfer,
    corrected,
)

AT = datetime(2025, 3, 1, 15, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_a_stay_is_cancelled_once():
    check_can_cancel("S1", None)
    with pytest.raises(NoticeRuleBroken, match="was cancelled \\(makulerad\\) at 2025-03-01T15:00:00\\+01:00"):
        check_can_cancel("S1", AT)


def test_a_transfer_needs_a_live_stay_and_another_ward():
    check_can_transfer("S1", None, "W1", "W2")
    with pytest.raises(NoticeRuleBroken, match="a cancelled stay cannot be transferred"):
        check_can_transfer("S1", AT, "W1", "W2")
    with pytest.raises(NoticeRuleBroken, match="already on ward W1"):
        check_can_transfer("S1", None, "W1", "W1")


def notice() -> AdmissionNotice:
    admitted = datetime(2025, 3, 1, 10, tzinfo=ZoneInfo("Europe/Stockholm"))
    return AdmissionNotice("S1", "191212121212", "1280", "W1", "somatic", admitted, sent_at=AT + timedelta(days=1))


def test_a_correction_of_the_judgement_time_moves_the_deadline_and_can_make_a_late_notice_on_time():
    original = notice()
    assert (original.deadline.isoformat(), original.on_time) == ("2025-03-02T09:00:00+00:00", False)
    judged = datetime(2025, 3, 2, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    new = corrected(original, None, {"support_needed_judged_at": judged})
    assert (new.deadline.isoformat(), new.on_time, new.sent_at) == ("2025-03-03T08:00:00+00:00", True, original.sent_at)


def test_a_correction_adds_the_vardcentral_when_it_becomes_known():
    assert corrected(notice(), None, {"primary_care_unit": "VC1"}).primary_care_unit == "VC1"


def test_a_correction_must_change_something_keep_the_times_consistent_and_leave_the_receiver_alone():
    with pytest.raises(NoticeRuleBroken, match="changes nothing"):
        corrected(notice(), None, {"admitted_at": notice().admitted_at})
    with pytest.raises(NoticeRuleBroken, match="municipality cannot be corrected; cancel the notice and send a new"):
        corrected(notice(), None, {"municipality": "1281"})
    with pytest.raises(NoticeRuleBroken, match="a cancelled notice cannot be corrected"):
        corrected(notice(), AT, {"primary_care_unit": "VC1"})
    with pytest.raises(InvalidNotice, match="support_needed_judged_at cannot be before admitted_at"):
        corrected(notice(), None, {"support_needed_judged_at": notice().admitted_at - timedelta(hours=1)})
