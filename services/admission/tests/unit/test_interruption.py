"""Avbrott i processen (ADR 0015): declined support and death end the stay's SVU process; a move changes the
stay's municipality; only the ward that has the patient records it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from admission.domain.notice import AdmissionNotice, InvalidNotice, NoticeRuleBroken

T = ZoneInfo("Europe/Stockholm")
ADMITTED = datetime(2025, 3, 1, 10, tzinfo=T)
AT = datetime(2025, 3, 4, 10, 15, tzinfo=T)


def notice() -> AdmissionNotice:
    return AdmissionNotice(
        "S1", "191212121212", "1280", "W1", "somatic", ADMITTED, sent_at=ADMITTED + timedelta(hours=2)
    )


@pytest.mark.parametrize(
    ("reason", "words"), [("died", "the patient died"), ("declined_support", "the patient declined support")]
)
def test_declined_support_and_death_end_the_process_and_every_later_change_names_why(reason, words):
    ended = notice().interrupt(reason, "note", AT, "W1")
    assert (ended.interruption_reason, ended.interruption_note, ended.interrupted_at) == (reason, "note", AT)
    assert (ended.process_ended, ended.municipality, ended.former_municipality) == (True, "1280", None)
    why = f"the SVU process of stay S1 ended at 2025-03-04T10:15:00\\+01:00: {words} \\(avbrott i processen\\)"
    for change, refusal in (
        (lambda: ended.correct({"primary_care_unit": "VC1"}, AT), "the notice cannot be corrected"),
        (lambda: ended.cancel("wrong patient", AT), "the notice cannot be cancelled"),
        (lambda: ended.transfer("W2"), "the patient cannot be transferred"),
        (lambda: ended.interrupt("died", "again", AT, "W1"), "it cannot be interrupted again"),
    ):
        with pytest.raises(NoticeRuleBroken, match=f"{why}; {refusal}$"):
            change()


def test_a_move_makes_the_new_municipality_the_stays_and_the_process_goes_on():
    moved = notice().interrupt("moved_municipality", "Folkbokförd i Lund", AT, "W1", "1281")
    assert (moved.municipality, moved.former_municipality, moved.process_ended) == ("1281", "1280", False)
    assert moved.transfer("W2").care_unit == "W2"
    back = moved.interrupt("moved_municipality", "tillbaka", AT, "W1", "1280")
    assert (back.municipality, back.former_municipality) == ("1280", "1281")
    assert moved.interrupt("died", "avled", AT, "W1").process_ended is True


def test_a_move_names_a_municipality_other_than_the_stays():
    with pytest.raises(NoticeRuleBroken, match="already registered in municipality 1280"):
        notice().interrupt("moved_municipality", "n", AT, "W1", "1280")
    with pytest.raises(InvalidNotice, match="given with moved_municipality, and only then") as missing:
        notice().interrupt("moved_municipality", "n", AT, "W1")
    assert missing.value.field == "new_municipality"
    with pytest.raises(InvalidNotice, match="only then"):
        notice().interrupt("died", "n", AT, "W1", "1281")


def test_only_the_ward_that_has_the_patient_records_an_interruption():
    transferred = notice().transfer("W2")
    with pytest.raises(NoticeRuleBroken, match="is on ward W2 now: the ward that has the patient records"):
        transferred.interrupt("died", "n", AT, "W1")
    assert transferred.interrupt("died", "n", AT, "W2").process_ended is True


def test_a_cancelled_stay_has_no_process_to_interrupt():
    cancelled = notice().cancel("wrong patient", AT)
    assert cancelled.process_ended is True
    with pytest.raises(NoticeRuleBroken, match="was cancelled \\(makulerad\\): it has no process to interrupt"):
        cancelled.interrupt("declined_support", "n", AT, "W1")
