"""Domain §2: the admission notice is due within 24 hours (elapsed, not wall-clock) of admission or judgement."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from admission.domain.notice import AdmissionNotice, InvalidNotice

STHLM = ZoneInfo("Europe/Stockholm")


def notice(admitted: datetime, sent: datetime, judged: datetime | None = None) -> AdmissionNotice:
    return AdmissionNotice("S1", "191212121212", "1280", "W1", "somatic", admitted, sent, judged)


def test_deadline_is_24_hours_after_admission():
    n = notice(datetime(2025, 3, 3, 10, tzinfo=STHLM), datetime(2025, 3, 4, 10, tzinfo=STHLM))
    assert n.deadline == datetime(2025, 3, 4, 10, tzinfo=STHLM)
    assert n.on_time


def test_one_second_late_is_late():
    n = notice(datetime(2025, 3, 3, 10, tzinfo=STHLM), datetime(2025, 3, 4, 10, 0, 1, tzinfo=STHLM))
    assert not n.on_time


def test_deadline_across_spring_dst_is_24_elapsed_hours():
    # 2025-03-30 02:00 CET -> 03:00 CEST: 24 hours after Saturday 12:00 is Sunday 13:00 local time.
    n = notice(datetime(2025, 3, 29, 12, tzinfo=STHLM), datetime(2025, 3, 30, 12, 30, tzinfo=STHLM))
    assert n.deadline == datetime(2025, 3, 30, 13, tzinfo=STHLM)
    assert n.on_time


def test_deadline_across_autumn_dst_and_month_end():
    # 2025-10-26 03:00 CEST -> 02:00 CET: 24 hours after Saturday 12:00 is Sunday 11:00 local time.
    n = notice(datetime(2025, 10, 25, 12, tzinfo=STHLM), datetime(2025, 10, 26, 11, 30, tzinfo=STHLM))
    assert n.deadline == datetime(2025, 10, 26, 11, tzinfo=STHLM)
    assert not n.on_time


def test_later_physician_judgement_moves_the_deadline():
    n = notice(
        datetime(2025, 1, 31, 22, tzinfo=STHLM),
        datetime(2025, 2, 2, 9, tzinfo=STHLM),
        judged=datetime(2025, 2, 1, 10, tzinfo=STHLM),
    )
    assert n.deadline == datetime(2025, 2, 2, 10, tzinfo=STHLM)
    assert n.on_time


def test_judgement_before_admission_is_refused():
    with pytest.raises(InvalidNotice, match="support_needed_judged_at"):
        notice(
            datetime(2025, 3, 3, 10, tzinfo=STHLM),
            datetime(2025, 3, 3, 11, tzinfo=STHLM),
            judged=datetime(2025, 3, 2, 10, tzinfo=STHLM),
        )
