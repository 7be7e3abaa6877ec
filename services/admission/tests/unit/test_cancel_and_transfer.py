"""Makulering and transfer rules of the admission service (issue 3 §1), each a 409 naming the rule."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from admission.domain.notice import NoticeRuleBroken, check_can_cancel, check_can_transfer

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
