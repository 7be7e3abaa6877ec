"""A second admission notice for a stay reaching the discharge service (ADR 0012)."""

from datetime import date

import pytest

from discharge.domain.timeline import DischargeTimeline
from svu_shared.facts import DuplicateEvent, RejectedEvent


def test_the_same_notice_again_is_a_duplicate_and_a_different_one_is_refused():
    admitted = DischargeTimeline("S1").admitted("1280", "W1", date(2025, 3, 9)).transferred("W2")
    with pytest.raises(DuplicateEvent):
        admitted.admitted("1280", "W1", date(2025, 3, 9))
    with pytest.raises(RejectedEvent, match=r"already has an admission notice \(municipality 1280, ward W1\)"):
        admitted.admitted("1281", "W1", None)
    with pytest.raises(RejectedEvent):
        admitted.admitted("1280", "W2", None)
