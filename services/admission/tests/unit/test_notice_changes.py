"""What the notice's own changes return: the new notice the use cases save and build their events from (ADR 0006,
ADR 0010)."""

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from admission.domain.notice import AdmissionNotice, NoticeRuleBroken, is_new_notice

ADMITTED = datetime(2025, 3, 1, 10, tzinfo=ZoneInfo("Europe/Stockholm"))
AT = ADMITTED + timedelta(days=2)


def notice() -> AdmissionNotice:
    return AdmissionNotice(
        "S1", "191212121212", "1280", "W1", "somatic", ADMITTED, sent_at=ADMITTED + timedelta(hours=3)
    )


def test_a_new_notice_is_on_its_admitting_ward():
    assert notice().wards == ("W1",)


def test_a_transfer_moves_the_patient_and_the_wards_before_keep_the_stay():
    moved = notice().transfer("W2").transfer("W3")
    assert (moved.care_unit, moved.wards) == ("W3", ("W1", "W2", "W3"))
    with pytest.raises(NoticeRuleBroken, match="already on ward W3"):
        moved.transfer("W3")


def test_a_cancellation_keeps_its_reason_and_time_and_ends_every_change():
    cancelled = notice().cancel("wrong patient", AT)
    assert (cancelled.cancelled_at, cancelled.cancel_reason) == (AT, "wrong patient")
    for change, rule in (
        (lambda: cancelled.cancel("again", AT), "it stays so"),
        (lambda: cancelled.transfer("W2"), "a cancelled stay cannot be transferred"),
        (lambda: cancelled.correct({"primary_care_unit": "VC1"}, AT), "a cancelled notice cannot be corrected"),
    ):
        with pytest.raises(NoticeRuleBroken, match=rule):
            change()


def test_a_correction_records_when_and_keeps_the_send_time():
    fixed = notice().correct({"primary_care_unit": "VC1"}, AT)
    assert (fixed.primary_care_unit, fixed.corrected_at, fixed.sent_at) == ("VC1", AT, notice().sent_at)


def test_the_same_notice_posted_again_is_not_new_and_another_for_the_stay_is_refused():
    assert is_new_notice(notice(), None) is True
    # The send time is the server's, and a cancellation since is not part of what the ward posted.
    assert is_new_notice(replace(notice(), sent_at=AT), notice().cancel("wrong patient", AT)) is False
    with pytest.raises(NoticeRuleBroken, match="already has an admission notice with other content"):
        is_new_notice(replace(notice(), municipality="1281"), notice())
