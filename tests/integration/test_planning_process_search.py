"""ADR 0014, on PostgreSQL and SQLite: a municipality finds its residents' stays by personnummer or samordningsnummer
sent in the body (never the URL), audited like every read; the patient's name where it may be shown, never for a
protected identity; the receivers' planeringsunderlag beside the ward's kartläggning; the SIP's relatives and
follow-up date."""

from datetime import datetime, timedelta
from functools import partial

from svu_shared.contracts import DischargeReadyNotified, PatientDischarged
from tests.support.auth import admin, finance, municipality, primary_care, ward
from tests.support.notices import notice_event

W1, M, LUND, VC1, F = ward("W1"), municipality("1280"), municipality("1281"), primary_care("VC1"), finance()
ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")
NILS, SAMORDNING = "191212121212", "197010632391"


notice = partial(notice_event, patient_id=NILS)


async def test_a_municipality_finds_its_residents_stays_by_patient_id_in_the_body_audited(planning):
    await planning.feed(notice("P1", patient_name="Nils Nilsson", admitted_at=ADMITTED - timedelta(days=30)))
    await planning.feed(notice("P2", patient_name="Nils Nilsson"))
    await planning.feed(notice("P3", municipality="1281"))  # the same patient, registered in Lund then
    await planning.feed(notice("P4", patient_id=SAMORDNING, protected_identity=True))
    found = await planning.http.post("/stays/search", json={"patient_id": NILS}, headers=M)
    assert found.status_code == 200
    assert [(s["stay_id"], s["patient_name"]) for s in found.json()["items"]] == [
        ("P2", "Nils Nilsson"),
        ("P1", "Nils Nilsson"),
    ]
    protected = (await planning.http.post("/stays/search", json={"patient_id": SAMORDNING}, headers=M)).json()
    assert [(s["stay_id"], s["patient_name"], s["protected_identity"]) for s in protected["items"]] == [
        ("P4", None, True)
    ]
    lund = (await planning.http.post("/stays/search", json={"patient_id": NILS}, headers=LUND)).json()
    assert [s["stay_id"] for s in lund["items"]] == ["P3"]
    vc = (await planning.http.post("/stays/search", json={"patient_id": NILS}, headers=VC1)).json()
    assert vc["total"] == 3  # the vårdcentral on all three notices
    audited = (await planning.http.get("/audit", params={"stay_id": "P2"}, headers=admin())).json()
    assert [(a["method"], a["endpoint"], a["org"], a["status"]) for a in audited] == [
        ("POST", "/stays/search", "1280", 200),
        ("POST", "/stays/search", "VC1", 200),
    ]
    bad = await planning.http.post("/stays/search", json={"patient_id": "191212121213"}, headers=M)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "patient_id"]
    assert "Luhn" in bad.json()["errors"][0]["msg"] and NILS not in bad.text
    assert (await planning.http.post("/stays/search", json={"patient_id": NILS}, headers=F)).status_code == 403
    assert (await planning.http.get(f"/stays/search?patient_id={NILS}", headers=M)).status_code == 404


async def test_the_wards_list_shows_the_name_but_never_a_protected_identitys(planning):
    await planning.feed(notice("P5", patient_name="Nils Nilsson", patient_address="Storgatan 1"))
    await planning.feed(notice("P6", patient_id=SAMORDNING, protected_identity=True))
    rows = {s["stay_id"]: s for s in (await planning.http.get("/stays", headers=W1)).json()["items"]}
    assert (rows["P5"]["patient_name"], rows["P6"]["patient_name"], rows["P6"]["protected_identity"]) == (
        "Nils Nilsson",
        None,
        True,
    )
    [case] = [c for c in (await planning.http.get("/cases", headers=M)).json()["items"] if c["stay_id"] == "P5"]
    assert case["patient_name"] == "Nils Nilsson"
    assert (await planning.http.get("/stays/P5", headers=M)).json()["patient_address"] == "Storgatan 1"


async def test_each_receiver_gives_its_planning_input_beside_the_wards_assessment(planning):
    await planning.feed(notice("P7"))
    assessment = {"summary": "Behöver hjälp med dusch", "needs": ["dusch"]}
    assert (await planning.http.put("/stays/P7/assessment", json=assessment, headers=W1)).status_code == 200
    municipal = {"summary": "Hemtjänst två gånger i veckan", "current_support": ["städ", "inköp"]}
    stay = (await planning.http.put("/stays/P7/planning-input", json=municipal, headers=M)).json()
    assert (stay["municipality_input"]["summary"], stay["municipality_input"]["receiver_kind"]) == (
        "Hemtjänst två gånger i veckan",
        "municipality",
    )
    vc = {"summary": "Insulinbehandlad diabetes", "proposals": ["distriktssköterska dagligen första veckan"]}
    stay = (await planning.http.put("/stays/P7/planning-input", json=vc, headers=VC1)).json()
    assert (
        stay["assessment"]["summary"],
        stay["municipality_input"]["recorded_by"],
        stay["primary_care_input"]["proposals"],
    ) == (
        "Behöver hjälp med dusch",
        "1280",
        ["distriktssköterska dagligen första veckan"],
    )
    typo = await planning.http.put("/stays/P7/planning-input", json={"summry": "x"}, headers=M)
    assert typo.status_code == 422
    assert (await planning.http.put("/stays/P7/planning-input", json=vc, headers=W1)).status_code == 403
    assert (await planning.http.put("/stays/P7/planning-input", json=vc, headers=LUND)).status_code == 404
    [event] = [
        e
        for e in await planning.published("P7")
        if e["type"] == "planning_input_recorded" and e["receiver_kind"] == "primary_care"
    ]
    assert (event["summary"], event["recorded_by"]) == ("Insulinbehandlad diabetes", "VC1")
    await planning.feed(PatientDischarged(stay_id="P7", discharged_at=READY, destination="home"))
    after = await planning.http.put("/stays/P7/planning-input", json=municipal, headers=M)
    assert after.status_code == 409 and "planeringsunderlag" in after.json()["detail"]


async def test_the_sip_names_relatives_taking_part_and_its_follow_up_date(planning):
    await planning.feed(notice("P8"))
    await planning.feed(DischargeReadyNotified(stay_id="P8", judged_at=READY, sent_at=READY))
    await planning.http.put("/stays/P8/care-contact", json={"name": "Karin", "care_unit": "VC1"}, headers=VC1)
    invite = {"meeting_at": "2025-03-05T10:00:00+01:00", "invitees": ["patienten", "dottern"]}
    await planning.http.put("/stays/P8/sip-invitation", json=invite, headers=VC1)
    sip = {
        "participants": ["patienten", "Karin Lind"],
        "goals": ["hemma med stöd"],
        "actions": [{"what": "hemtjänst", "who": "1280", "by": "2025-03-06"}],
        "patient_consent": True,
        "patient_participated": True,
        "relatives": ["dottern Eva"],
        "follow_up_date": "2025-03-04",
    }
    early = await planning.http.put("/stays/P8/sip", json=sip, headers=VC1)
    assert early.status_code == 409 and "on or after the SIP meeting (2025-03-05)" in early.json()["detail"]
    agreed = (
        await planning.http.put("/stays/P8/sip", json={**sip, "follow_up_date": "2025-03-20"}, headers=VC1)
    ).json()
    assert (agreed["sip"]["relatives"], agreed["sip"]["follow_up_date"]) == (["dottern Eva"], "2025-03-20")
    [event] = [e for e in await planning.published("P8") if e["type"] == "sip_agreed"]
    assert (event["relatives"], event["follow_up_date"]) == (["dottern Eva"], "2025-03-20")
