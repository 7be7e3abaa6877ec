"""ADR 0010: the planning service, on PostgreSQL and on SQLite (architecture §5). Events go in through
its inbox (as the consumer applies them); users act through its HTTP API; what it publishes is read from its outbox."""

from datetime import datetime, timedelta

from svu_shared.contracts import (
    AdmissionNoticeCorrected,
    DischargeReadyNotified,
    PatientDischarged,
    PatientTransferred,
)
from tests.support.auth import finance, municipality, primary_care, ward
from tests.support.notices import notice_event

W1, M, VC1, VC2, F = ward("W1"), municipality("1280"), primary_care("VC1"), primary_care("VC2"), finance()

ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")


async def test_a_ready_notice_before_its_admission_notice_is_kept_and_both_receivers_get_a_case(planning):
    await planning.feed(DischargeReadyNotified(stay_id="S1", judged_at=READY, sent_at=READY))
    assert (await planning.http.get("/stays/S1", headers=W1)).status_code == 404  # parked, not dropped
    await planning.feed(notice_event("S1"))
    stay = (await planning.http.get("/stays/S1", headers=W1)).json()
    assert (stay["status"], stay["ready_at"], stay["sip_due_at"]) == (
        "discharge_ready",
        "2025-03-03T08:00:00Z",
        "2025-03-06T23:00:00Z",
    )
    found = [(await planning.http.get("/cases", params={"stay_id": "S1"}, headers=who)).json() for who in (M, VC1)]
    assert [page["total"] for page in found] == [1, 1]  # each receiver sees its own case only
    assert [(c["receiver_kind"], c["receiver_id"], c["status"]) for page in found for c in page["items"]] == [
        ("municipality", "1280", "discharge_ready"),
        ("primary_care", "VC1", "discharge_ready"),
    ]
    assert [e["type"] for e in await planning.published("S1")] == ["case_opened", "case_opened"]


async def test_the_receivers_inbox_shows_what_is_due_and_overdue(planning):
    await planning.feed(notice_event("S2"))
    await planning.feed(DischargeReadyNotified(stay_id="S2", judged_at=READY, sent_at=READY))
    [vc] = (await planning.http.get("/cases", headers=VC1)).json()["items"]
    assert [(d["what"], d["due_at"], d["overdue"]) for d in vc["due"]] == [
        ("care_contact", None, False),
        ("sip_decision", None, False),
        ("sip_invitation", "2025-03-06T23:00:00Z", True),
    ]
    overdue = (await planning.http.get("/cases", params={"overdue": True}, headers=VC1)).json()
    assert [c["stay_id"] for c in overdue["items"]] == ["S2"]
    [malmo] = (await planning.http.get("/cases", headers=M)).json()["items"]
    assert [(d["what"], d["overdue"]) for d in malmo["due"]] == [("receiving_decision", False)]
    assert (await planning.http.get("/cases", params={"overdue": True}, headers=M)).json()["total"] == 0


async def test_the_plan_records_with_their_rules_and_events(planning):
    await planning.feed(notice_event("S3"))
    await planning.feed(DischargeReadyNotified(stay_id="S3", judged_at=READY, sent_at=READY))
    invite = {"meeting_at": "2025-03-05T10:00:00+01:00", "invitees": ["the patient", "1280"]}
    early = await planning.http.put("/stays/S3/sip-invitation", json=invite, headers=VC1)
    assert early.status_code == 409 and "assign one first" in early.json()["detail"]
    contact = {"name": "Karin Lind", "care_unit": "VC1"}
    assert (await planning.http.put("/stays/S3/care-contact", json=contact, headers=VC1)).status_code == 200
    assert (
        await planning.http.put("/stays/S3/sip-decision", json={"sip_needed": True}, headers=VC1)
    ).status_code == 200
    invited = (await planning.http.put("/stays/S3/sip-invitation", json=invite, headers=VC1)).json()
    assert invited["sip_invitation_overdue"] is False and invited["sip_invited_at"]  # sent now: late, but sent
    sip = {
        "participants": ["the patient", "Karin Lind"],
        "goals": ["home with support"],
        "actions": [{"what": "hemtjänst", "who": "1280", "by": "2025-03-06"}],
        "patient_consent": False,
        "patient_participated": True,
    }
    refused = await planning.http.put("/stays/S3/sip", json=sip, headers=VC1)
    assert refused.status_code == 409 and "needs the patient's consent" in refused.json()["detail"]
    agreed = await planning.http.put("/stays/S3/sip", json={**sip, "patient_consent": True}, headers=VC1)
    assert agreed.json()["sip"]["actions"] == [{"what": "hemtjänst", "who": "1280", "by": "2025-03-06"}]
    missing = await planning.http.put("/stays/S3/sip", json={**sip, "actions": []}, headers=VC1)
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == ["body", "actions"]
    typo = await planning.http.put("/stays/S3/care-contact", json={**contact, "nmae": "x"}, headers=VC1)
    assert typo.status_code == 422 and typo.json()["errors"][0]["loc"] == ["body", "nmae"]
    no_date = await planning.http.put("/stays/S3/receiving-decision", json={"can_receive": True}, headers=M)
    assert no_date.status_code == 422 and "from_date is required when can_receive" in no_date.text
    decided = await planning.http.put(
        "/stays/S3/receiving-decision", json={"can_receive": True, "from_date": "2025-03-06"}, headers=M
    )
    assert decided.json()["receiving_decision"]["from_date"] == "2025-03-06"
    assert (await planning.http.put("/stays/nope/care-contact", json=contact, headers=VC1)).status_code == 404
    assert [e["type"] for e in await planning.published("S3")] == [
        "case_opened",
        "case_opened",
        "care_contact_assigned",
        "sip_decided",
        "sip_invitation_sent",
        "sip_agreed",
        "receiving_decided",
    ]
    await planning.feed(PatientDischarged(stay_id="S3", discharged_at=READY + timedelta(days=3), destination="home"))
    after = await planning.http.put("/stays/S3/assessment", json={"summary": "late"}, headers=W1)
    assert after.status_code == 409 and "made before discharge" in after.json()["detail"]


async def test_kvittens_per_receiver_and_message_and_the_sender_sees_who_read_what(planning):
    admission = await planning.feed(notice_event("S4"))
    case_id = "S4:municipality:1280"
    [message] = (await planning.http.get(f"/cases/{case_id}/messages", headers=M)).json()
    assert (message["message_id"], message["acknowledged_at"]) == (admission.id, None)
    assert (await planning.http.get(f"/cases/{case_id}", headers=M)).json()["unacknowledged"] == 1
    first = await planning.http.post(f"/cases/{case_id}/messages/{admission.id}/acknowledgement", headers=M)
    again = await planning.http.post(f"/cases/{case_id}/messages/{admission.id}/acknowledgement", headers=M)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["acknowledged_at"] == again.json()["acknowledged_at"]
    assert (await planning.http.get(f"/cases/{case_id}", headers=M)).json()["unacknowledged"] == 0
    assert (await planning.http.get("/cases/S4:primary_care:VC1", headers=VC1)).json()["unacknowledged"] == 1
    [seen] = (await planning.http.get("/stays/S4/messages", headers=W1)).json()
    assert seen["acknowledged_by"] == [case_id]
    assert (await planning.http.post(f"/cases/{case_id}/messages/nope/acknowledgement", headers=M)).status_code == 404
    assert [e["type"] for e in await planning.published("S4")][-1] == "message_acknowledged"


async def test_a_corrected_vardcentral_closes_the_former_case_and_opens_one_for_the_new(planning):
    await planning.feed(notice_event("S5"))
    await planning.feed(
        AdmissionNoticeCorrected(
            stay_id="S5",
            admitted_at=ADMITTED,
            notice_deadline=ADMITTED + timedelta(hours=24),
            primary_care_unit="VC2",
            reason="wrong vårdcentral",
            corrected_at=ADMITTED + timedelta(hours=5),
        )
    )
    cases = {
        c["receiver_id"]: c
        for who in (VC1, VC2)
        for c in (await planning.http.get("/cases", params={"stay_id": "S5"}, headers=who)).json()["items"]
    }
    assert (cases["VC1"]["status"], cases["VC1"]["closed_reason"]) == (
        "closed",
        "the patient's vårdcentral was corrected",
    )
    assert (cases["VC2"]["status"], cases["VC2"]["due"][0]["what"]) == ("admitted", "care_contact")
    assert [e["type"] for e in await planning.published("S5")] == [
        "case_opened",
        "case_opened",
        "case_closed",
        "case_opened",
    ]


async def test_the_wards_list_is_filtered_and_paged_and_follow_up_counts_per_unit(planning):
    for i in range(5):
        await planning.feed(notice_event(f"L{i}", sent_after=timedelta(hours=30 if i < 2 else 2)))
    await planning.feed(PatientTransferred(stay_id="L4", from_care_unit="W1", to_care_unit="W2", transferred_at=READY))
    await planning.feed(DischargeReadyNotified(stay_id="L4", judged_at=READY, sent_at=READY))
    await planning.feed(
        PatientDischarged(stay_id="L4", discharged_at=READY + timedelta(hours=6), destination="deceased")
    )
    late = (await planning.http.get("/stays", params={"late_notice": True}, headers=W1)).json()
    assert (late["total"], sorted(s["stay_id"] for s in late["items"])) == (2, ["L0", "L1"])
    page = (await planning.http.get("/stays", params={"limit": 2, "offset": 2}, headers=W1)).json()
    assert (page["total"], len(page["items"]), page["offset"]) == (4, 2, 2)
    rows = {
        r["care_unit"]: r
        for r in (await planning.http.get("/follow-up", params={"month": "2025-03"}, headers=F)).json()
    }
    assert (rows["W1"]["notices"], rows["W1"]["notices_on_time"], rows["W1"]["notices_late"]) == (5, 3, 2)
    assert (rows["W2"]["sip_invitations_due"], rows["W2"]["sip_invitations_late"]) == (1, 1)
    assert rows["W2"]["discharges"] == {"deceased": 1}
    bad = await planning.http.get("/follow-up", params={"month": "2025-13"}, headers=F)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "month"]
