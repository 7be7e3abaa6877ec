"""ADR 0014, closing cases, on PostgreSQL and SQLite: a cancelled notice and an interruption close every open case
with the reason; a move hands the case to the new municipality; a receiver returns a misrouted case (the ward sees
it and corrects the notice) or closes its case after discharge only. Events go in through the inbox, users act
through the HTTP API, what planning publishes is read from its outbox."""

from datetime import datetime, timedelta

from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    DischargeReadyNotified,
    PatientDischarged,
)
from svu_shared.contracts.admission import ProcessInterrupted
from svu_shared.local_issuer import token
from tests.support.auth import municipality, primary_care, ward
from tests.support.notices import notice_event

W1, M, LUND, VC1, VC2 = ward("W1"), municipality("1280"), municipality("1281"), primary_care("VC1"), primary_care("VC2")
ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")
AT = datetime.fromisoformat("2025-03-04T10:15:00+01:00")


def user(role: str, org: str, subject: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, org, subject=subject)}"}


notice = notice_event  # the planning suites' notice: Malmö, ward W1, vårdcentral VC1


async def cases_of(planning, stay_id: str, *who: dict[str, str]) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    found = [(await planning.http.get("/cases", params={"stay_id": stay_id}, headers=h)).json() for h in who]
    return {c["case_id"]: c for page in found for c in page["items"]}


async def test_a_cancelled_notice_closes_every_open_case_with_its_reason(planning):
    await planning.feed(notice("C1"))
    await planning.feed(AdmissionNoticeCancelled(stay_id="C1", reason="fel patient", cancelled_at=AT))
    cases = await cases_of(planning, "C1", M, VC1)
    reason = "the admission notice was cancelled (makulerat): fel patient"
    assert [(c["status"], c["closed_reason"], c["closed_as"], c["due"]) for c in cases.values()] == [
        ("cancelled", reason, "cancelled", []),
        ("cancelled", reason, "cancelled", []),
    ]
    for status, total in (("cancelled", 1), ("closed", 0), ("admitted", 0)):
        page = (await planning.http.get("/cases", params={"status": status}, headers=M)).json()
        assert page["total"] == total, status
    closed = [e for e in await planning.published("C1") if e["type"] == "case_closed"]
    assert sorted((e["receiver_id"], e["reason"], e["closed_as"]) for e in closed) == [
        ("1280", reason, "cancelled"),
        ("VC1", reason, "cancelled"),
    ]
    # A repeated cancellation closes nothing again; the stay takes no records and no messages any more.
    await planning.feed(AdmissionNoticeCancelled(stay_id="C1", reason="fel patient", cancelled_at=AT))
    assert len([e for e in await planning.published("C1") if e["type"] == "case_closed"]) == 2
    refused = await planning.http.post("/stays/C1/messages", json={"text": "hej"}, headers=M)
    assert refused.status_code == 409 and "was cancelled (makulerad)" in refused.json()["detail"]


async def test_declined_support_closes_every_case_and_ends_the_planning(planning):
    await planning.feed(notice("C2"))
    await planning.feed(
        ProcessInterrupted(stay_id="C2", reason="declined_support", note="Vill inte ha hemtjänst", interrupted_at=AT)
    )
    reason = "avbrott i processen, the patient declines support: Vill inte ha hemtjänst"
    cases = await cases_of(planning, "C2", M, VC1)
    assert {(c["closed_reason"], c["closed_as"]) for c in cases.values()} == {(reason, "interrupted")}
    stay = (await planning.http.get("/stays/C2", headers=W1)).json()
    assert (stay["interruption"], stay["interruption_note"], stay["interrupted_at"], stay["due"]) == (
        "declined_support",
        "Vill inte ha hemtjänst",
        "2025-03-04T09:15:00Z",
        [],
    )
    refused = await planning.http.put("/stays/C2/assessment", json={"summary": "s"}, headers=W1)
    assert refused.status_code == 409
    assert "interrupted (avbrott i processen: declined_support)" in refused.json()["detail"]
    [message] = [m for m in (await planning.http.get("/stays/C2/messages", headers=M)).json() if m["text"]]
    assert (message["type"], message["text"], message["sender_role"]) == (
        "se.svu.admission.process_interrupted.v1",
        "Vill inte ha hemtjänst",
        "ward",
    )


async def test_death_closes_every_case_with_the_reason(planning):
    await planning.feed(notice("C3"))
    await planning.feed(
        ProcessInterrupted(stay_id="C3", reason="died", note="Avled natten till tisdag", interrupted_at=AT)
    )
    assert [(e["receiver_id"], e["reason"]) for e in await planning.published("C3") if e["type"] == "case_closed"] == [
        ("1280", "avbrott i processen, the patient died: Avled natten till tisdag"),
        ("VC1", "avbrott i processen, the patient died: Avled natten till tisdag"),
    ]


async def test_a_move_closes_the_former_municipalitys_case_and_opens_one_for_the_new(planning):
    await planning.feed(notice("C4"))
    await planning.feed(
        ProcessInterrupted(
            stay_id="C4",
            reason="moved_municipality",
            note="Folkbokförd i Lund",
            new_municipality="1281",
            interrupted_at=AT,
        )
    )
    malmo = (await planning.http.get("/cases/C4:municipality:1280", headers=M)).json()
    assert (malmo["status"], malmo["closed_reason"], malmo["closed_as"]) == (
        "closed",
        "the patient moved to municipality 1281: Folkbokförd i Lund",
        "receiver_changed",
    )
    lund = (await planning.http.get("/cases/C4:municipality:1281", headers=LUND)).json()
    assert (lund["status"], lund["municipality"], lund["closed_at"]) == ("admitted", "1281", None)
    assert (await planning.http.get("/cases/C4:primary_care:VC1", headers=VC1)).json()["status"] == "admitted"
    # Malmö has no part any more: it reads the stay as it was when its case closed, nothing after (ADR 0025).
    await planning.feed(DischargeReadyNotified(stay_id="C4", judged_at=READY, sent_at=READY))
    as_closed = (await planning.http.get("/stays/C4", headers=M)).json()
    assert (as_closed["status"], as_closed["ready_at"], [c["receiver_id"] for c in as_closed["cases"]]) == (
        "admitted",
        None,
        ["1280"],
    )
    stay = (await planning.http.get("/stays/C4", headers=LUND)).json()
    assert (stay["municipality"], stay["former_municipalities"], stay["interrupted_at"]) == ("1281", ["1280"], None)
    assert [e["type"] for e in await planning.published("C4")][-2:] == ["case_closed", "case_opened"]


async def test_a_receiver_returns_a_misrouted_case_and_the_ward_sees_it_until_it_corrects_the_notice(planning):
    await planning.feed(notice("C5"))
    anna = user("primary_care", "VC1", "anna@vc1")
    empty = await planning.http.post("/cases/C5:primary_care:VC1/return", json={"reason": ""}, headers=anna)
    assert empty.status_code == 422 and empty.json()["errors"][0]["loc"] == ["body", "reason"]
    returned = await planning.http.post(
        "/cases/C5:primary_care:VC1/return", json={"reason": "Listad på VC2"}, headers=anna
    )
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["closed_as"], returned.json()["closed_by"]) == (
        "closed",
        "returned",
        "anna@vc1",
    )
    again = await planning.http.post("/cases/C5:primary_care:VC1/return", json={"reason": "x"}, headers=anna)
    assert again.status_code == 409 and "a closed case cannot be returned" in again.json()["detail"]
    [event] = [e for e in await planning.published("C5") if e["type"] == "case_returned"]
    assert (event["reason"], event["returned_by"], event["receiver_id"]) == ("Listad på VC2", "anna@vc1", "VC1")
    [row] = (await planning.http.get("/stays", headers=W1)).json()["items"]
    assert [(c["receiver_id"], c["closed_reason"], c["closed_by"]) for c in row["returned_cases"]] == [
        ("VC1", "Listad på VC2", "anna@vc1")
    ]
    [due] = (await planning.http.get("/due", headers=W1)).json()["items"]
    assert (
        "Rätta eller makulera inskrivningsmeddelandet (avdelningen): att göra; ärendet returnerades av VC1: "
        "Listad på VC2" in [d["words"] for d in due["due"]]
    )
    messages = (await planning.http.get("/stays/C5/messages", headers=W1)).json()
    assert [(m["type"], m["text"], m["sender_org"], m["to_role"]) for m in messages][-1] == (
        "se.svu.planning.case_returned.v1",
        "Listad på VC2",
        "VC1",
        "ward",
    )
    # The ward corrects the notice: the new vårdcentral gets its case, nothing is left to correct.
    await planning.feed(
        AdmissionNoticeCorrected(
            stay_id="C5",
            admitted_at=ADMITTED,
            notice_deadline=ADMITTED + timedelta(hours=24),
            primary_care_unit="VC2",
            reason="fel vårdcentral",
            corrected_at=AT,
        )
    )
    assert (await planning.http.get("/cases/C5:primary_care:VC2", headers=VC2)).json()["status"] == "admitted"
    stay = (await planning.http.get("/stays/C5", headers=W1)).json()
    assert "notice_correction" not in [d["what"] for d in stay["due"]]
    assert [c["closed_as"] for c in stay["cases"]] == [None, "returned", None]


async def test_a_receiver_closes_its_case_after_discharge_only(planning):
    await planning.feed(notice("C6"))
    lena = user("municipality", "1280", "lena@malmo")
    early = await planning.http.post("/cases/C6:municipality:1280/closing", headers=lena)
    assert early.status_code == 409
    assert "after the patient's discharge; the patient is not discharged yet" in early.json()["detail"]
    await planning.feed(DischargeReadyNotified(stay_id="C6", judged_at=READY, sent_at=READY))
    await planning.feed(PatientDischarged(stay_id="C6", discharged_at=READY + timedelta(days=1), destination="home"))
    closed = await planning.http.post("/cases/C6:municipality:1280/closing", json={}, headers=lena)
    assert (closed.status_code, closed.json()["closed_reason"], closed.json()["closed_by"]) == (
        200,
        "avslutat efter utskrivning",
        "lena@malmo",
    )
    vc = await planning.http.post("/cases/C6:primary_care:VC1/closing", json={"reason": "SIP uppföljd"}, headers=VC1)
    assert (vc.json()["closed_reason"], vc.json()["closed_as"]) == ("SIP uppföljd", "closed_by_receiver")
    [event, _] = [e for e in await planning.published("C6") if e["type"] == "case_closed"]
    assert (event["closed_as"], event["closed_by"], event["reason"]) == (
        "closed_by_receiver",
        "lena@malmo",
        "avslutat efter utskrivning",
    )
    assert (await planning.http.post("/cases/C6:municipality:1281/closing", headers=LUND)).status_code == 404
