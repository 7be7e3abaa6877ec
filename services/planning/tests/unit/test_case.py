from datetime import datetime
from zoneinfo import ZoneInfo

from planning.domain.case import Case, CaseStatus, municipality_case_id

T = ZoneInfo("Europe/Stockholm")
OPENED = datetime(2025, 3, 1, 10, tzinfo=T)


def case() -> Case:
    return Case(municipality_case_id("S1", "1280"), "S1", "municipality", "1280", "191212121212", "W1", OPENED, OPENED)


def test_case_follows_ready_withdrawn_ready_discharged():
    c = case().discharge_ready(datetime(2025, 3, 3, 9, tzinfo=T))
    assert c.status is CaseStatus.DISCHARGE_READY
    c = c.ready_withdrawn()
    assert (c.status, c.discharge_ready_at) == (CaseStatus.OPEN, None)
    c = c.discharge_ready(datetime(2025, 3, 6, 13, tzinfo=T)).discharged(datetime(2025, 3, 7, 14, tzinfo=T), "home")
    assert (c.status, c.destination) == (CaseStatus.DISCHARGED, "home")


def test_a_discharged_case_ignores_a_late_ready_notice():
    c = case().discharged(datetime(2025, 3, 7, 14, tzinfo=T), "deceased")
    assert c.discharge_ready(datetime(2025, 3, 8, 9, tzinfo=T)).status is CaseStatus.DISCHARGED


def test_case_id_names_stay_and_receiver():
    assert municipality_case_id("S1", "1280") == "S1:municipality:1280"


def test_a_cancelled_case_stays_cancelled_whatever_the_ward_sends_later():
    c = case().cancelled()
    assert c.status is CaseStatus.CANCELLED
    later = datetime(2025, 3, 8, 9, tzinfo=T)
    assert c.discharge_ready(later).discharged(later, "home").status is CaseStatus.CANCELLED


def test_a_transfer_keeps_the_case_and_changes_the_ward():
    c = case().discharge_ready(datetime(2025, 3, 3, 9, tzinfo=T)).transferred("W2")
    assert (c.case_id, c.care_unit, c.status) == ("S1:municipality:1280", "W2", CaseStatus.DISCHARGE_READY)
