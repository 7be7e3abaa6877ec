"""Planeringsunderlag per receiver kind, the SIP's follow-up date and relatives, and the patient id a municipality
searches by (ADR 0014)."""

from datetime import datetime, timedelta

import pytest

from planning.domain.deadlines import SWEDEN
from planning.domain.identity import patient_id_problem
from planning.domain.stay import PlanRuleBroken, RecordKind
from planning.service_layer.published import recorded
from services.planning.tests.unit.builders import stay
from svu_shared.contracts.planning import PlanningInputRecorded

AT = datetime(2025, 3, 2, 15, tzinfo=SWEDEN)
STAY = stay(primary_care_unit=None, admitted_at=AT - timedelta(days=1), notice_sent_at=AT - timedelta(hours=20))
INPUT = {"summary": "Hemtjänst två gånger i veckan", "current_support": ["trygghetslarm"], "proposals": []}


def rec(**content):  # type: ignore[no-untyped-def]
    return {**content, "recorded_at": AT, "recorded_by": "1280"}


def test_each_receiver_kind_keeps_its_own_planning_input_beside_the_assessment():
    municipal = STAY.record(RecordKind.MUNICIPALITY_INPUT, rec(**INPUT, receiver_kind="municipality"))
    vc_input = rec(summary="Diabetes, insulin", receiver_kind="primary_care")
    both = municipal.record(RecordKind.PRIMARY_CARE_INPUT, vc_input)
    assert (both.municipality_input["summary"], both.primary_care_input["summary"]) == (  # type: ignore[index]
        "Hemtjänst två gånger i veckan",
        "Diabetes, insulin",
    )
    assert recorded(municipal, RecordKind.MUNICIPALITY_INPUT) == PlanningInputRecorded(
        stay_id="S1", receiver_kind="municipality", recorded_at=AT, recorded_by="1280", **INPUT
    )
    with pytest.raises(PlanRuleBroken, match=r"input to planning \(planeringsunderlag\), kept current while admitted"):
        STAY.discharged(AT, "home").record(RecordKind.MUNICIPALITY_INPUT, rec(**INPUT, receiver_kind="municipality"))


def test_the_sips_follow_up_is_on_or_after_its_meeting():
    contact = {"name": "Karin", "care_unit": "VC1", "phone": None}
    invited = STAY.record(RecordKind.CARE_CONTACT, rec(**contact)).record(
        RecordKind.SIP_INVITATION, rec(meeting_at="2025-03-05T10:00:00+01:00", invitees=["p"])
    )
    sip = {"participants": ["p"], "goals": ["g"], "actions": [], "patient_consent": True, "patient_participated": True}
    rule = r"follow-up \(uppföljning\) is on or after the SIP meeting \(2025-03-05\)"
    with pytest.raises(PlanRuleBroken, match=rule):
        invited.record(RecordKind.SIP, rec(**sip, relatives=["dottern"], follow_up_date="2025-03-04"))
    agreed = invited.record(RecordKind.SIP, rec(**sip, relatives=["dottern"], follow_up_date="2025-03-05"))
    assert (agreed.sip["relatives"], agreed.sip["follow_up_date"]) == (["dottern"], "2025-03-05")  # type: ignore[index]


@pytest.mark.parametrize("valid", ["191212121212", "198112189876", "197010632391", "200002296127"])
def test_a_personnummer_or_samordningsnummer_is_valid(valid):
    assert patient_id_problem(valid) is None


@pytest.mark.parametrize(
    ("invalid", "rule"),
    [
        ("19121212121", "12 digits"),
        ("1912121212x2", "12 digits"),
        ("191212121213", "Luhn"),
        ("197010932391", "calendar date"),
    ],
)
def test_an_invalid_patient_id_names_its_rule(invalid, rule):
    assert rule in (patient_id_problem(invalid) or "")
