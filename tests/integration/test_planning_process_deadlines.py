"""ADR 0014, deadlines, on PostgreSQL and SQLite: information at discharge due no later than the day of discharge
(Europe/Stockholm), on the stay and in the ward's due list in words; the municipality's inbox says whether the
admission notice was on time; the SIP invitation counts in follow-up against the vårdcentral that owes it."""

from datetime import UTC, datetime, timedelta

from svu_shared.contracts import (
    DischargeInformationSent,
    DischargeReadyNotified,
    PatientDischarged,
    PatientTransferred,
)
from tests.support.auth import admin, finance, municipality, primary_care, ward
from tests.support.notices import notice_event

W1, W2, M, VC1, F = ward("W1"), ward("W2"), municipality("1280"), primary_care("VC1"), finance()
ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")
DISCHARGED = datetime.fromisoformat("2025-03-05T15:00:00+01:00")


async def test_information_at_discharge_is_due_by_the_end_of_the_discharge_day(planning):
    await planning.feed(notice_event("D1"))
    await planning.feed(DischargeReadyNotified(stay_id="D1", judged_at=READY, sent_at=READY))
    ready = (await planning.http.get("/stays/D1", headers=W1)).json()
    assert (ready["information_due_at"], ready["information_state"], ready["information_overdue"]) == (
        None,
        "due",
        False,
    )
    await planning.feed(PatientDischarged(stay_id="D1", discharged_at=DISCHARGED, destination="home"))
    discharged = (await planning.http.get("/stays/D1", headers=M)).json()
    assert (discharged["information_due_at"], discharged["information_state"], discharged["information_overdue"]) == (
        "2025-03-05T23:00:00Z",
        "overdue",
        True,
    )
    assert [(d["what"], d["overdue"], d["words"]) for d in discharged["due"]] == [
        ("information_at_discharge", True, "Information vid utskrivning (avdelningen): förfallen, senast 2025-03-05")
    ]
    late = DISCHARGED + timedelta(days=1)
    await planning.feed(DischargeInformationSent(stay_id="D1", epicrisis_sent_at=late, medication_list_sent_at=late))
    sent = (await planning.http.get("/stays/D1", headers=W1)).json()
    assert (sent["information_state"], sent["information_overdue"], sent["due"]) == ("late", False, [])


async def test_the_wards_due_list_holds_each_patient_with_what_is_due_overdue_first_in_words(planning):
    now = datetime.now(UTC)
    await planning.feed(notice_event("D2", admitted_at=now - timedelta(days=2), sent_at=now - timedelta(days=2)))
    await planning.feed(notice_event("D3"))  # discharge-ready in 2025: the SIP invitation is long overdue
    await planning.feed(DischargeReadyNotified(stay_id="D3", judged_at=READY, sent_at=READY))
    await planning.feed(notice_event("D4"))  # transferred away: on W2's list, not W1's
    await planning.feed(PatientTransferred(stay_id="D4", from_care_unit="W1", to_care_unit="W2", transferred_at=READY))
    await planning.feed(notice_event("D5"))  # discharged with both documents sent in time: nothing due
    await planning.feed(PatientDischarged(stay_id="D5", discharged_at=DISCHARGED, destination="home"))
    await planning.feed(
        DischargeInformationSent(stay_id="D5", epicrisis_sent_at=DISCHARGED, medication_list_sent_at=DISCHARGED)
    )
    page = (await planning.http.get("/due", headers=W1)).json()
    assert (page["total"], [row["stay_id"] for row in page["items"]]) == (2, ["D3", "D2"])
    d3, d2 = page["items"]
    assert (d3["overdue"], d3["words"], d3["unacknowledged"]) == (True, "6 att göra, varav 1 förfallen", 0)
    assert [(d["what"], d["owed_by"], d["overdue"]) for d in d3["due"]] == [
        ("sip_invitation", "primary_care", True),
        ("assessment", "ward", False),
        ("information_at_discharge", "ward", False),
        ("receiving_decision", "municipality", False),
        ("care_contact", "primary_care", False),
        ("sip_decision", "primary_care", False),
    ]
    assert d3["due"][0]["words"] == "Kallelse till SIP (vårdcentralen): förfallen, senast 2025-03-06"
    assert (d2["overdue"], [d["words"] for d in d2["due"]]) == (
        False,
        [
            "Kartläggning (avdelningen): att göra",
            "Fast vårdkontakt (vårdcentralen): att göra",
            "Ställningstagande till SIP (vårdcentralen): att göra",
        ],
    )
    overdue = (await planning.http.get("/due", params={"overdue": True}, headers=W1)).json()
    assert [row["stay_id"] for row in overdue["items"]] == ["D3"]
    assert [row["stay_id"] for row in (await planning.http.get("/due", headers=W2)).json()["items"]] == ["D4"]
    refused = await planning.http.get("/due", params={"care_unit": "W2"}, headers=W1)
    assert refused.status_code == 403 and "its own due list only (W1)" in refused.json()["detail"]
    audited = (await planning.http.get("/audit", params={"stay_id": "D3"}, headers=admin())).json()
    assert [(a["endpoint"], a["org"]) for a in audited] == [("/due", "W1"), ("/due", "W1")]


async def test_the_municipalitys_inbox_says_whether_the_notice_was_on_time(planning):
    await planning.feed(notice_event("D6", sent_after=timedelta(hours=3)))
    await planning.feed(notice_event("D7", sent_after=timedelta(hours=30)))
    rows = {c["stay_id"]: c for c in (await planning.http.get("/cases", headers=M)).json()["items"]}
    assert (rows["D6"]["notice_on_time"], rows["D7"]["notice_on_time"]) == (True, False)
    assert (rows["D7"]["notice_sent_at"], rows["D7"]["notice_deadline"]) == (
        "2025-03-02T15:00:00Z",
        "2025-03-02T09:00:00Z",
    )


async def test_follow_up_counts_the_sip_invitation_against_the_vardcentral_that_owes_it(planning):
    await planning.feed(notice_event("D8"))
    await planning.feed(DischargeReadyNotified(stay_id="D8", judged_at=READY, sent_at=READY))
    await planning.feed(PatientDischarged(stay_id="D8", discharged_at=DISCHARGED, destination="home"))
    await planning.feed(
        DischargeInformationSent(stay_id="D8", epicrisis_sent_at=DISCHARGED, medication_list_sent_at=DISCHARGED)
    )
    rows = {
        r["care_unit"]: r
        for r in (await planning.http.get("/follow-up", params={"month": "2025-03"}, headers=F)).json()
    }
    vc1, w1 = rows["VC1"], rows["W1"]
    assert (vc1["sip_invitations_owed"], vc1["sip_invitations_owed_on_time"], vc1["sip_invitations_owed_late"]) == (
        1,
        0,
        1,
    )
    assert (w1["sip_invitations_owed"], w1["information_due"], w1["information_on_time"]) == (0, 1, 1)
    assert (w1["sip_invitations_due"], w1["sip_invitations_late"]) == (1, 1)  # its patients (as before), not its breach
    own = (await planning.http.get("/follow-up", params={"month": "2025-03"}, headers=W1)).json()
    assert [r["care_unit"] for r in own] == ["W1"]
