"""A ward's fact that arrives twice under two event ids (ADR 0012): the same content is a no-op, a different one
is refused with the rule it breaks."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from planning.domain.case import Case
from planning.domain.deadlines import SWEDEN
from planning.domain.stay import PlannedStay
from services.planning.tests.unit import builders
from services.planning.tests.unit.builders import ADMITTED
from svu_shared.facts import DuplicateEvent, RejectedEvent

READY = datetime(2025, 3, 3, 9, tzinfo=SWEDEN)


def stay() -> PlannedStay:
    return builders.stay(primary_care_unit=None)


def test_the_same_admission_notice_again_is_a_duplicate_even_after_a_correction():
    first = stay()
    corrected = first.corrected(ADMITTED - timedelta(hours=2), ADMITTED + timedelta(hours=22), "VC2")
    with pytest.raises(DuplicateEvent):
        corrected.notice_again(first)


@pytest.mark.parametrize(
    "change",
    [{"municipality": "1281"}, {"patient_id": "191010101010"}, {"notice_care_unit": "W9"}, {"notice_sent_at": READY}],
)
def test_a_different_admission_notice_for_the_stay_is_refused_naming_the_rule(change):
    with pytest.raises(RejectedEvent, match="a stay has one notice; a change is a correction"):
        stay().notice_again(replace(stay(), **change))


def test_a_notice_without_the_identity_again_is_a_duplicate_of_the_identified_stay():
    """ADR 0028: the second version of the notice carries no identity; the stay has it from its own event."""
    identified = stay()
    with pytest.raises(DuplicateEvent):
        identified.notice_again(replace(stay(), patient_id=None, protected_identity=False, patient_name=None))
    with pytest.raises(RejectedEvent, match="a stay has one notice"):
        identified.notice_again(replace(stay(), patient_id=None, notice_sent_at=READY))


def test_the_identity_again_is_a_duplicate_and_another_patients_is_refused():
    identified = replace(stay(), patient_id=None).identified("191212121212", False, "Tolvan", "Storgatan 1")
    with pytest.raises(DuplicateEvent):
        identified.identified("191212121212", False, "Tolvan", "Storgatan 1")
    protected = identified.identified("191212121212", True, "Tolvan", "Storgatan 1")
    assert (protected.protected_identity, protected.patient_name, protected.patient_address) == (True, None, None)
    with pytest.raises(RejectedEvent, match="a stay has one patient"):
        identified.identified("191010101010", False, "Tolvan", "Storgatan 1")


def test_a_second_discharge_is_a_duplicate_when_the_same_and_refused_when_not():
    discharged = stay().discharge_ready(READY).discharged(READY + timedelta(days=1), "home")
    with pytest.raises(DuplicateEvent):
        discharged.discharged(READY + timedelta(days=1), "home")
    with pytest.raises(
        RejectedEvent, match=r"S1 was discharged at 2025-03-04T09:00:00\+01:00 \(home\): a stay has one"
    ):
        discharged.discharged(READY + timedelta(days=2), "home")


def test_a_closed_case_reopens_as_the_same_case():
    case = Case("S1:primary_care:VC1", "S1", "primary_care", "VC1", ADMITTED).closed(READY, "corrected")
    reopened = case.reopened(READY + timedelta(hours=1))
    assert (reopened.case_id, reopened.closed_at, reopened.closed_reason) == ("S1:primary_care:VC1", None, None)
