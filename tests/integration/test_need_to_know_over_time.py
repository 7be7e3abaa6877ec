"""ADR 0025, need-to-know over time (Patientdatalagen 4 kap. 1 §), on PostgreSQL and SQLite, through HTTP: only the
ward that has the patient now acts on the stay in planning and discharge (a ward it left reads, and is refused in
the rule's words); a receiver whose case closed reads the stay as it was then, nothing after; every role's read
access to a discharged stay ends a configurable period after the discharge (a 404, as for a stay one may not see)."""

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest

from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from discharge.bootstrap import bootstrap as discharge_app
from discharge.settings import DischargeSettings
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.contracts import (
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    DischargeReadyNotified,
    PatientDischarged,
    PatientTransferred,
)
from tests.support.auth import municipality, primary_care, ward
from tests.support.ids import unique_hex
from tests.support.inprocess import in_process
from tests.support.notices import admission_notice, notice_event

W1, W2, M, VC1, VC2 = ward("W1"), ward("W2"), municipality("1280"), primary_care("VC1"), primary_care("VC2")
ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
TRANSFERRED = datetime.fromisoformat("2025-03-02T08:00:00+01:00")
JUDGED = datetime.fromisoformat("2025-03-03T09:00:00+01:00")
LEFT_WARD = "the patient of stay {} is on ward W2 now: the ward that has the patient"


def transferred(stay_id: str) -> PatientTransferred:
    return PatientTransferred(stay_id=stay_id, from_care_unit="W1", to_care_unit="W2", transferred_at=TRANSFERRED)


def discharge_notice(stay_id: str) -> AdmissionNoticeSent:
    return notice_event(stay_id, primary_care_unit=None)


@pytest.fixture
async def at_90(database):  # type: ignore[no-untyped-def]
    """Admission, planning and discharge with ADR 0025's default period (the suites run with a long one,
    conftest.py): each on a fresh database of the leg."""
    apps = {
        "admission": (admission_app, AdmissionSettings),
        "planning": (planning_app, PlanningSettings),
        "discharge": (discharge_app, DischargeSettings),
    }
    async with AsyncExitStack() as stack:
        running = {}
        for name, (app, settings) in apps.items():
            url = database.fresh(f"svu_it_ntk_{name}_{unique_hex()[:6]}")
            running[name] = await stack.enter_async_context(
                in_process(app, settings(database_url=url, read_access_after_discharge_days=90))
            )
        yield running


# --- only the ward that has the patient acts ---

DISCHARGE_RECORDS = [
    ("POST", "discharge-ready", {"judged_at": "2025-03-03T09:00:00+01:00"}),
    ("POST", "discharge-ready/backdating", {"sent_at": "2025-03-03T09:00:00+01:00", "reason": "papper"}),
    ("POST", "discharge-ready/withdrawal", {"reason": "feber"}),
    ("PUT", "estimated-discharge-date", {"estimated_discharge_date": "2025-03-09"}),
    ("POST", "discharge-information", {"epicrisis_sent_at": "2025-03-05T10:00:00+01:00"}),
    ("POST", "discharge", {"discharged_at": "2025-03-05T11:00:00+01:00", "destination": "home"}),
]


async def test_in_discharge_a_ward_the_patient_left_reads_but_records_nothing(discharge):
    await discharge.feed(discharge_notice("N1"))
    await discharge.feed(transferred("N1"))
    for method, path, body in DISCHARGE_RECORDS:
        refused = await discharge.http.request(method, f"/stays/N1/{path}", json=body, headers=W1)
        assert refused.status_code == 409, (path, refused.text)
        assert LEFT_WARD.format("N1") in refused.json()["detail"], path
    assert (await discharge.http.get("/stays/N1", headers=W1)).json()["wards"] == ["W1", "W2"]
    ready = await discharge.http.post("/stays/N1/discharge-ready", json=DISCHARGE_RECORDS[0][2], headers=W2)
    assert ready.status_code == 201, ready.text
    assert (await discharge.http.post("/stays/N1/discharge-ready", json={}, headers=ward("W9"))).status_code in (
        404,
        422,
    )


async def test_in_planning_a_ward_the_patient_left_reads_but_writes_nothing(planning):
    await planning.feed(notice_event("N2"))
    await planning.feed(transferred("N2"))
    message = await planning.http.post("/stays/N2/messages", json={"text": "Hemtjänst från måndag"}, headers=M)
    assert message.status_code == 201, message.text
    refusals = [
        await planning.http.put("/stays/N2/assessment", json={"summary": "s"}, headers=W1),
        await planning.http.post("/stays/N2/messages", json={"text": "hej"}, headers=W1),
        await planning.http.post(f"/stays/N2/messages/{message.json()['message_id']}/acknowledgement", headers=W1),
        await planning.http.put("/stays/N2/sip-decision", json={"sip_needed": False}, headers=W1),
    ]
    for refused in refusals:
        assert refused.status_code == 409, refused.text
        assert LEFT_WARD.format("N2") in refused.json()["detail"]
    assert (await planning.http.get("/stays/N2", headers=W1)).status_code == 200  # it still reads
    assert (await planning.http.get("/stays/N2/messages", headers=W1)).status_code == 200
    assert (await planning.http.put("/stays/N2/assessment", json={"summary": "s"}, headers=W2)).status_code == 200
    ack = await planning.http.post(f"/stays/N2/messages/{message.json()['message_id']}/acknowledgement", headers=W2)
    assert ack.status_code == 201, ack.text


# --- a closed case shows the stay as it was when it closed ---


async def test_a_vardcentral_corrected_away_reads_the_stay_as_it_was_when_its_case_closed(planning):
    await planning.feed(notice_event("N3"))
    before = await planning.http.post("/stays/N3/messages", json={"text": "Före rättelsen"}, headers=M)
    assert before.status_code == 201
    await planning.feed(
        AdmissionNoticeCorrected(
            stay_id="N3",
            admitted_at=ADMITTED,
            notice_deadline=ADMITTED + timedelta(hours=24),
            primary_care_unit="VC2",
            reason="listad på VC2",
            corrected_at=TRANSFERRED,
        )
    )
    await planning.feed(DischargeReadyNotified(stay_id="N3", judged_at=JUDGED, sent_at=JUDGED))
    after = await planning.http.post("/stays/N3/messages", json={"text": "Efter rättelsen"}, headers=M)
    assert after.status_code == 201

    stay = (await planning.http.get("/stays/N3", headers=VC1)).json()
    assert (stay["status"], stay["ready_at"], stay["sip_due_at"]) == ("admitted", None, None)
    assert [c["case_id"] for c in stay["cases"]] == ["N3:primary_care:VC1"]
    for path in ("/stays/N3/messages", "/cases/N3:primary_care:VC1/messages"):
        texts = [m["text"] for m in (await planning.http.get(path, headers=VC1)).json()]
        types = [m["type"] for m in (await planning.http.get(path, headers=VC1)).json()]
        assert "Före rättelsen" in texts and "Efter rättelsen" not in texts, path
        assert not any(t.endswith("ready_notified.v1") for t in types), path
    case = (await planning.http.get("/cases/N3:primary_care:VC1", headers=VC1)).json()
    assert (case["status"], case["discharge_ready_at"], case["closed_reason"]) == (
        "closed",
        None,
        "the patient's vårdcentral was corrected",
    )
    [listed] = (await planning.http.get("/cases", headers=VC1)).json()["items"]
    assert listed["discharge_ready_at"] is None
    # The vårdcentral that has the case now reads it all.
    now = (await planning.http.get("/stays/N3", headers=VC2)).json()
    assert (now["status"], now["ready_at"]) == ("discharge_ready", "2025-03-03T08:00:00Z")
    texts = [m["text"] for m in (await planning.http.get("/stays/N3/messages", headers=VC2)).json()]
    assert "Efter rättelsen" in texts


# --- read access ends a period after discharge ---


def _days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


async def test_planning_reads_end_90_days_after_discharge_for_every_role(at_90):
    planning = at_90["planning"]
    for stay_id, days in (("R1", 91), ("R2", 89)):
        await planning.feed(notice_event(stay_id))
        assert (await planning.http.get(f"/stays/{stay_id}", headers=M)).status_code == 200
        await planning.feed(PatientDischarged(stay_id=stay_id, discharged_at=_days_ago(days), destination="home"))
    for who in (W1, M, VC1):
        assert (await planning.http.get("/stays/R1", headers=who)).status_code == 404
        assert (await planning.http.get("/stays/R1/messages", headers=who)).status_code == 404
        assert (await planning.http.get("/stays/R2", headers=who)).status_code == 200
        listed = (await planning.http.get("/stays", headers=who)).json()["items"] if who is not VC1 else []
        assert "R1" not in [s["stay_id"] for s in listed]
    for case_id, who in (("R1:municipality:1280", M), ("R1:primary_care:VC1", VC1)):
        assert (await planning.http.get(f"/cases/{case_id}", headers=who)).status_code == 404
        assert (await planning.http.get(f"/cases/{case_id}/messages", headers=who)).status_code == 404
    assert [c["stay_id"] for c in (await planning.http.get("/cases", headers=M)).json()["items"]] == ["R2"]
    search = await planning.http.post("/stays/search", json={"patient_id": "191212121212"}, headers=W1)
    assert [s["stay_id"] for s in search.json()["items"]] == ["R2"]


async def test_discharge_reads_end_90_days_after_discharge(at_90):
    discharge = at_90["discharge"]
    for stay_id, days in (("R3", 91), ("R4", 89)):
        await discharge.feed(discharge_notice(stay_id))
        body = {"discharged_at": _days_ago(days).isoformat(), "destination": "home"}
        assert (await discharge.http.post(f"/stays/{stay_id}/discharge", json=body, headers=W1)).status_code == 201
    for who in (W1, M):
        assert (await discharge.http.get("/stays/R3", headers=who)).status_code == 404
        assert (await discharge.http.get("/stays/R4", headers=who)).status_code == 200
    late = {"epicrisis_sent_at": _days_ago(1).isoformat()}
    assert (await discharge.http.post("/stays/R3/discharge-information", json=late, headers=W1)).status_code == 404


async def test_admission_reads_end_90_days_after_the_discharge_it_is_told_of(at_90):
    admission = at_90["admission"]
    for stay_id in ("R5", "R6"):
        posted = await admission.http.post(
            "/admission-notices", json=admission_notice(stay_id, care_unit="W1"), headers=W1
        )
        assert posted.status_code == 201, posted.text
        assert (await admission.http.get(f"/stays/{stay_id}", headers=W1)).status_code == 200
    await admission.feed(PatientDischarged(stay_id="R5", discharged_at=_days_ago(91), destination="home"))
    await admission.feed(PatientDischarged(stay_id="R6", discharged_at=_days_ago(89), destination="home"))
    for who in (W1, M):
        assert (await admission.http.get("/stays/R5", headers=who)).status_code == 404
        assert (await admission.http.get("/stays/R6", headers=who)).status_code == 200
    found = await admission.http.post("/stays/search", json={"patient_id": "191212121212"}, headers=W1)
    assert [s["stay_id"] for s in found.json()["items"]] == ["R6"]
    refused = await admission.http.post("/stays/R5/cancellation", json={"reason": "fel"}, headers=W1)
    assert refused.status_code == 404


async def test_a_period_of_0_ends_reads_at_discharge(database):
    url = database.fresh(f"svu_it_ntk_zero_{unique_hex()[:6]}")
    async with in_process(planning_app, PlanningSettings(database_url=url, read_access_after_discharge_days=0)) as p:
        await p.feed(notice_event("R7"))
        assert (await p.http.get("/stays/R7", headers=M)).status_code == 200
        await p.feed(PatientDischarged(stay_id="R7", discharged_at=datetime.now(UTC), destination="home"))
        assert (await p.http.get("/stays/R7", headers=M)).status_code == 404
