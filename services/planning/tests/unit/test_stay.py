"""The planning rules of a stay (domain §2): the ward's facts, the planning records and what is due."""

from datetime import UTC, datetime, timedelta

import pytest

from planning.domain.case import municipality_case_id
from planning.domain.deadlines import SWEDEN
from planning.domain.follow_up import follow_up
from planning.domain.stay import PlannedStay, PlanRuleBroken, RecordKind, StayStatus
from services.planning.tests.unit import builders
from services.planning.tests.unit.builders import ADMITTED

READY = datetime(2025, 3, 3, 9, tzinfo=SWEDEN)  # Monday: SIP invitation due before Friday 00:00
DUE = datetime(2025, 3, 7, 0, tzinfo=SWEDEN)


def stay(**kw) -> PlannedStay:  # type: ignore[no-untyped-def]
    """The shared stay, with its 24-hour notice deadline."""
    return builders.stay(**{"notice_deadline": ADMITTED + timedelta(hours=24), **kw})


def rec(at: datetime, **content):  # type: ignore[no-untyped-def]
    return {**content, "recorded_at": at, "recorded_by": None}


CONTACT = {"name": "Karin Lind", "care_unit": "VC1", "phone": None}
INVITE = {"meeting_at": "2025-03-05T10:00:00+01:00", "invitees": ["the patient"]}
SIP = {"participants": ["p"], "goals": ["g"], "actions": [], "patient_participated": True}


def test_ready_withdrawn_ready_again_discharged():
    s = stay().discharge_ready(READY)
    assert (s.status, s.ready_at, s.sip_due_at) == (StayStatus.DISCHARGE_READY, READY, DUE)
    s = s.ready_withdrawn()
    assert (s.status, s.ready_at, s.sip_due_at) == (StayStatus.ADMITTED, None, None)
    again = READY + timedelta(days=2)
    s = s.discharge_ready(again).discharged(again + timedelta(hours=5), "home")
    assert (s.status, s.ready_at, s.sip_due_at, s.destination) == (
        StayStatus.DISCHARGED,
        again,
        DUE + timedelta(days=2),
        "home",
    )


def test_a_repeated_ready_notice_keeps_the_first_deadline_and_a_cancelled_stay_stays_closed():
    s = stay().discharge_ready(READY).discharge_ready(READY + timedelta(days=1))
    assert s.sip_due_at == DUE
    c = stay().cancelled()
    assert c.discharge_ready(READY).discharged(READY, "home").status is StayStatus.CANCELLED


def test_the_sip_invitation_is_due_within_three_days_and_its_breach_is_visible():
    s = stay().discharge_ready(READY)
    before, after = DUE - timedelta(minutes=1), DUE
    [*_, item] = s.due_items("primary_care", before)
    assert (item.what, item.due_at, item.overdue) == ("sip_invitation", DUE, False)
    assert s.due_items("primary_care", after)[-1].overdue and s.sip_invitation_overdue(after)
    s = s.record(RecordKind.CARE_CONTACT, rec(READY, **CONTACT))
    late = s.record(RecordKind.SIP_INVITATION, rec(after, **INVITE))
    assert (late.sip_invitation_on_time(), late.sip_invitation_overdue(after)) == (False, False)
    on_time = s.record(RecordKind.SIP_INVITATION, rec(before, **INVITE))
    assert on_time.sip_invitation_on_time() is True
    # A rescheduled meeting (a new invitation) does not move when the first one was sent.
    assert on_time.record(RecordKind.SIP_INVITATION, rec(after, **INVITE)).sip_invitation_on_time() is True


def test_what_is_due_for_each_receiver():
    s = stay()
    assert [d.what for d in s.due_items("primary_care", READY)] == ["care_contact", "sip_decision"]
    assert s.due_items("municipality", READY) == []
    ready = s.discharge_ready(READY)
    assert [d.what for d in ready.due_items("municipality", READY)] == ["receiving_decision"]
    decided = ready.record(RecordKind.RECEIVING_DECISION, rec(READY, can_receive=True, from_date="2025-03-05"))
    assert decided.due_items("municipality", READY) == []
    no_sip = ready.record(RecordKind.SIP_DECISION, rec(READY, sip_needed=False, reason=None))
    assert [d.what for d in no_sip.due_items("primary_care", DUE)] == ["care_contact"]
    assert not no_sip.sip_invitation_overdue(DUE)
    assert ready.discharged(DUE, "home").due_items("primary_care", DUE) == []


def test_planning_rules_name_the_rule():
    s = stay().discharge_ready(READY)
    with pytest.raises(PlanRuleBroken, match="sent by the named care contact \\(fast vårdkontakt\\): assign one first"):
        s.record(RecordKind.SIP_INVITATION, rec(READY, **INVITE))
    with_contact = s.record(RecordKind.CARE_CONTACT, rec(READY, **CONTACT))
    no_sip = with_contact.record(RecordKind.SIP_DECISION, rec(READY, sip_needed=False, reason="home without help"))
    with pytest.raises(PlanRuleBroken, match="says no SIP is needed"):
        no_sip.record(RecordKind.SIP_INVITATION, rec(READY, **INVITE))
    with pytest.raises(PlanRuleBroken, match="send the SIP invitation first"):
        with_contact.record(RecordKind.SIP, rec(READY, **SIP, patient_consent=True))
    invited = with_contact.record(RecordKind.SIP_INVITATION, rec(READY, **INVITE))
    with pytest.raises(PlanRuleBroken, match="needs the patient's consent"):
        invited.record(RecordKind.SIP, rec(READY, **SIP, patient_consent=False))
    assert invited.record(RecordKind.SIP, rec(READY, **SIP, patient_consent=True)).sip is not None
    discharged = s.discharged(DUE, "home")
    with pytest.raises(PlanRuleBroken, match="is made before discharge"):
        discharged.record(RecordKind.RECEIVING_DECISION, rec(DUE, can_receive=False, from_date=None))
    with pytest.raises(PlanRuleBroken, match="was cancelled \\(makulerad\\): its planning has ended"):
        s.cancelled().record(RecordKind.CARE_CONTACT, rec(READY, **CONTACT))


def test_notice_timeliness_follows_a_correction():
    late = stay(notice_sent_at=ADMITTED + timedelta(hours=30))
    assert late.notice_on_time is False
    corrected = late.corrected(ADMITTED, ADMITTED + timedelta(hours=48), "VC2")
    assert (corrected.notice_on_time, corrected.primary_care_unit) == (True, "VC2")


def test_follow_up_per_unit_and_month():
    now = datetime(2025, 4, 15, tzinfo=UTC)
    on_time = stay(stay_id="A").discharge_ready(READY)
    on_time = on_time.record(RecordKind.CARE_CONTACT, rec(READY, **CONTACT))
    on_time = on_time.record(RecordKind.SIP_INVITATION, rec(READY + timedelta(days=1), **INVITE))
    on_time = on_time.discharged(READY + timedelta(days=2), "home")
    missed = stay(stay_id="B", notice_sent_at=ADMITTED + timedelta(hours=25)).discharge_ready(READY)
    missed = missed.transferred("W2").discharged(datetime(2025, 3, 31, 23, 30, tzinfo=SWEDEN), "deceased")
    next_month = stay(stay_id="C", notice_sent_at=datetime(2025, 4, 1, 0, 30, tzinfo=SWEDEN))
    cancelled = stay(stay_id="D").cancelled()
    rows = {u.care_unit: u for u in follow_up([on_time, missed, next_month, cancelled], "2025-03", now)}
    w1, w2 = rows["W1"], rows["W2"]
    assert (w1.notices, w1.notices_on_time, w1.notices_late) == (2, 1, 1)  # B was sent on W1, late
    assert (w1.sip_invitations_due, w1.sip_invitations_on_time, w1.sip_invitations_late) == (1, 1, 0)
    assert (w2.sip_invitations_due, w2.sip_invitations_on_time, w2.sip_invitations_late) == (1, 0, 1)
    assert (dict(w1.discharges), dict(w2.discharges)) == ({"home": 1}, {"deceased": 1})
    assert sum(u.notices for u in follow_up([next_month], "2025-04", now)) == 1


def test_case_id_names_stay_and_receiver():
    assert municipality_case_id("S1", "1280") == "S1:municipality:1280"
