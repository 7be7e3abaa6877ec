"""Billing keeps each fact once (ADR 0012): the same fact under another event id is a no-op; a second, different
admission notice or discharge of a stay is refused."""

from datetime import UTC, datetime

import pytest

from billing.domain.facts import FactKind, StayFact, check_new_fact
from svu_shared.facts import DuplicateEvent, RejectedEvent

AT = datetime(2025, 3, 4, 9, tzinfo=UTC)
NOTICE = StayFact("S1", FactKind.ADMISSION_NOTICE, AT, "e1", "1280", "somatic")
READY = StayFact("S1", FactKind.DISCHARGE_READY, AT, "e2")
OUT = StayFact("S1", FactKind.DISCHARGED, AT.replace(day=6), "e3")


def test_the_same_fact_again_is_a_duplicate():
    for fact in (NOTICE, READY, OUT):
        with pytest.raises(DuplicateEvent):
            check_new_fact(
                [NOTICE, READY, OUT],
                StayFact(fact.stay_id, fact.kind, fact.at, "other-id", fact.municipality, fact.care_type),
            )


def test_a_second_different_notice_or_discharge_is_refused_and_a_new_ready_notice_is_kept():
    with pytest.raises(RejectedEvent, match="already has its admission_notice at 2025-03-04T09:00:00"):
        check_new_fact([NOTICE], StayFact("S1", FactKind.ADMISSION_NOTICE, AT, "e9", "1281", "somatic"))
    with pytest.raises(RejectedEvent, match=r"already has its discharged at 2025-03-06T09:00:00\+00:00 \(event e3\)"):
        check_new_fact([OUT], StayFact("S1", FactKind.DISCHARGED, AT.replace(day=7), "e9"))
    check_new_fact([NOTICE, READY], StayFact("S1", FactKind.DISCHARGE_READY, AT.replace(hour=10), "e9"))
