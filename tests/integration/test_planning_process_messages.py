"""ADR 0014, messages between the parties, on PostgreSQL and SQLite: a meddelande to all or to one, seen by those it
goes to and its sender; kvittens both ways (the ward acknowledges the receivers' messages), per organisation and
recording the person; a party's own messages never unread for it; what is new to each user since they last opened
the stay. Users act through the HTTP API, each with the subject of their token."""

from datetime import datetime, timedelta
from functools import partial

from svu_shared.contracts import DischargeReadyNotified
from svu_shared.contracts.discharge import DischargeReadyBackdated
from svu_shared.local_issuer import token
from tests.support.notices import notice_event

ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
READY_RECEIVED = datetime.fromisoformat("2025-03-03T13:20:00+01:00")
READY_SENT = datetime.fromisoformat("2025-03-03T09:00:00+01:00")


def user(role: str, org: str, subject: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, org, subject=subject)}"}


SARA, OLLE = user("ward", "W1", "sara@w1"), user("ward", "W1", "olle@w1")
LENA, PER = user("municipality", "1280", "lena@malmo"), user("municipality", "1280", "per@malmo")
ANNA = user("primary_care", "VC1", "anna@vc1")
LUND = user("municipality", "1281", "kim@lund")


notice = partial(notice_event, patient_name="Nils Nilsson")


async def send(planning, headers, stay_id: str, text: str, to: str = "all"):  # type: ignore[no-untyped-def]
    response = await planning.http.post(f"/stays/{stay_id}/messages", json={"text": text, "to": to}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_meddelande_to_all_and_to_one_is_seen_by_those_it_goes_to(planning):
    await planning.feed(notice("M1"))
    to_all = await send(planning, LENA, "M1", "Hemtjänsten kan starta fredag")
    assert (to_all["sender_role"], to_all["sender_org"], to_all["sender_subject"], to_all["sender_name"]) == (
        "municipality",
        "1280",
        "lena@malmo",
        "lena@malmo",
    )
    assert (to_all["to_role"], to_all["to_org"], to_all["own"], to_all["type"]) == (
        None,
        None,
        True,
        "se.svu.planning.message_sent.v1",
    )
    to_ward = await send(planning, ANNA, "M1", "Är hjälpmedel beställda?", to="ward")
    assert (to_ward["to_role"], to_ward["to_org"]) == ("ward", "W1")

    async def texts(headers) -> list[str]:  # type: ignore[no-untyped-def]
        found = (await planning.http.get("/stays/M1/messages", headers=headers)).json()
        return [m["text"] for m in found if m["type"].endswith("message_sent.v1")]

    assert await texts(SARA) == ["Hemtjänsten kan starta fredag", "Är hjälpmedel beställda?"]
    assert await texts(ANNA) == ["Hemtjänsten kan starta fredag", "Är hjälpmedel beställda?"]
    assert await texts(LENA) == ["Hemtjänsten kan starta fredag"]  # not to Malmö
    case_texts = [
        m["text"] for m in (await planning.http.get("/cases/M1:municipality:1280/messages", headers=LENA)).json()
    ]
    assert "Är hjälpmedel beställda?" not in case_texts
    [published] = [e for e in await planning.published("M1") if e["type"] == "message_sent" and e["to_role"]]
    assert (published["text"], published["sender_subject"], published["to_org"]) == (
        "Är hjälpmedel beställda?",
        "anna@vc1",
        "W1",
    )
    # A message the receiver cannot see is no message of its: 404.
    hidden = await planning.http.post(
        f"/cases/M1:municipality:1280/messages/{to_ward['message_id']}/acknowledgement", headers=LENA
    )
    assert hidden.status_code == 404


async def test_a_meddelande_is_bounded_and_goes_to_a_party_the_stay_has(planning):
    await planning.feed(notice("M2"))
    too_long = await planning.http.post("/stays/M2/messages", json={"text": "x" * 2001}, headers=SARA)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["loc"] == ["body", "text"]
    blank = await planning.http.post("/stays/M2/messages", json={"text": "   "}, headers=SARA)
    assert blank.status_code == 409 and "has text" in blank.json()["detail"]
    itself = await planning.http.post("/stays/M2/messages", json={"text": "x", "to": "ward"}, headers=SARA)
    assert itself.status_code == 409 and "not to the ward itself" in itself.json()["detail"]
    unknown = await planning.http.post("/stays/M2/messages", json={"text": "x", "to": "region"}, headers=SARA)
    assert unknown.status_code == 422
    assert (await planning.http.post("/stays/M2/messages", json={"text": "x"}, headers=LUND)).status_code == 404


async def test_kvittens_both_ways_per_organisation_with_the_person_and_never_of_ones_own(planning):
    admission = await planning.feed(notice("M3"))
    case = "M3:municipality:1280"
    decision = {"can_receive": True, "from_date": "2025-03-07"}
    await planning.feed(DischargeReadyNotified(stay_id="M3", judged_at=READY_SENT, sent_at=READY_SENT))
    assert (await planning.http.put("/stays/M3/receiving-decision", json=decision, headers=LENA)).status_code == 200
    messages = (await planning.http.get(f"/cases/{case}/messages", headers=LENA)).json()
    decided = next(m for m in messages if m["type"].endswith("receiving_decided.v1"))
    assert (decided["own"], decided["sender_subject"]) == (True, "lena@malmo")
    # The municipality's own decision is never unread for it: only the ward's two facts are.
    assert (await planning.http.get(f"/cases/{case}", headers=LENA)).json()["unacknowledged"] == 2
    own = await planning.http.post(f"/cases/{case}/messages/{decided['message_id']}/acknowledgement", headers=LENA)
    assert own.status_code == 409 and "sent by the municipality itself" in own.json()["detail"]
    # The municipality's kvittens of the notice records Per; Lena's later click is the same kvittens.
    first = await planning.http.post(f"/cases/{case}/messages/{admission.id}/acknowledgement", headers=PER)
    again = await planning.http.post(f"/cases/{case}/messages/{admission.id}/acknowledgement", headers=LENA)
    assert (first.status_code, again.status_code) == (201, 200)
    assert [(a["party_kind"], a["party_id"], a["acknowledged_by"]) for a in again.json()["acknowledgements"]] == [
        ("municipality", "1280", "per@malmo")
    ]
    # The ward acknowledges the municipality's decision, once for the ward side, by Sara.
    url = f"/stays/M3/messages/{decided['message_id']}/acknowledgement"
    ward_first, ward_again = [await planning.http.post(url, headers=h) for h in (SARA, OLLE)]
    assert (ward_first.status_code, ward_again.status_code) == (201, 200)
    assert ward_again.json()["acknowledged_at"] == ward_first.json()["acknowledged_at"]
    assert [(a["party_kind"], a["party_id"], a["acknowledged_by"]) for a in ward_first.json()["acknowledgements"]] == [
        ("ward", "W1", "sara@w1")
    ]
    seen_by_sender = next(
        m
        for m in (await planning.http.get("/stays/M3/messages", headers=LENA)).json()
        if m["message_id"] == decided["message_id"]
    )
    assert [(a["party_kind"], a["acknowledged_by"]) for a in seen_by_sender["acknowledgements"]] == [
        ("ward", "sara@w1")
    ]
    own_ward = await planning.http.post(f"/stays/M3/messages/{admission.id}/acknowledgement", headers=SARA)
    assert own_ward.status_code == 409 and "sent by the ward itself" in own_ward.json()["detail"]
    assert (await planning.http.post(url, headers=ANNA)).status_code == 403
    assert (await planning.http.post("/stays/M3/messages/nope/acknowledgement", headers=SARA)).status_code == 404
    [event] = [e for e in await planning.published("M3") if e["type"] == "message_acknowledged_by_ward"]
    assert (event["message_id"], event["care_unit"], event["acknowledged_by"]) == (
        decided["message_id"],
        "W1",
        "sara@w1",
    )
    [kvittens] = [e for e in await planning.published("M3") if e["type"] == "message_acknowledged"]
    assert (kvittens["acknowledged_by"], kvittens["receiver_id"]) == ("per@malmo", "1280")
    [row] = (await planning.http.get("/due", headers=SARA)).json()["items"]
    assert row["unacknowledged"] == 0  # the ward has read the only message from another party


async def test_each_user_sees_what_is_new_since_they_last_opened_the_stay(planning):
    await planning.feed(notice("M4"))
    first = (await planning.http.get("/stays/M4", headers=LENA)).json()
    assert (first["last_opened_at"], first["new_messages"]) == (None, 1)  # the admission notice
    await send(planning, SARA, "M4", "Patienten vill prata med biståndshandläggare")
    await send(planning, LENA, "M4", "Vi kommer i morgon")  # her own: never new for Malmö
    [inbox] = (await planning.http.get("/cases", headers=LENA)).json()["items"]
    assert (inbox["new_messages"], inbox["unacknowledged"]) == (1, 2)
    assert (await planning.http.get("/cases", headers=PER)).json()["items"][0][
        "new_messages"
    ] == 2  # never opened; Malmö's own is not new
    second = (await planning.http.get("/stays/M4", headers=LENA)).json()
    assert (second["last_opened_at"] is not None, second["new_messages"]) == (True, 1)
    timeline = (await planning.http.get("/stays/M4/messages", headers=LENA)).json()
    assert [(m["text"], m["new"], m["own"]) for m in timeline] == [
        (None, False, False),
        ("Patienten vill prata med biståndshandläggare", True, False),
        ("Vi kommer i morgon", False, True),
    ]
    assert (await planning.http.get("/cases", headers=LENA)).json()["items"][0]["new_messages"] == 0
    ward_list = (await planning.http.get("/stays", headers=SARA)).json()["items"]
    assert [(s["stay_id"], s["patient_name"], s["new_messages"]) for s in ward_list] == [("M4", "Nils Nilsson", 1)]


async def test_a_backdated_ready_notice_is_in_every_partys_timeline_and_moves_the_ready_time(planning):
    await planning.feed(notice("M5"))
    await planning.feed(DischargeReadyNotified(stay_id="M5", judged_at=READY_SENT, sent_at=READY_RECEIVED))
    await planning.feed(
        DischargeReadyBackdated(
            stay_id="M5",
            sent_at=READY_SENT,
            received_at=READY_RECEIVED,
            reason="Journalsystemet låg nere; faxad 09:00",
            corrected_at=READY_RECEIVED + timedelta(minutes=5),
        )
    )
    stay = (await planning.http.get("/stays/M5", headers=SARA)).json()
    assert (stay["ready_at"], stay["ready_received_at"], stay["ready_backdating_reason"], stay["sip_due_at"]) == (
        "2025-03-03T08:00:00Z",
        "2025-03-03T12:20:00Z",
        "Journalsystemet låg nere; faxad 09:00",
        "2025-03-06T23:00:00Z",
    )
    for headers in (SARA, LENA, ANNA):
        [backdated] = [
            m
            for m in (await planning.http.get("/stays/M5/messages", headers=headers)).json()
            if "backdated" in m["type"]
        ]
        assert backdated["text"] == (
            "utskrivningsklar skickad 2025-03-03 09:00 (mottagen 2025-03-03 13:20): "
            "Journalsystemet låg nere; faxad 09:00"
        )
    [case] = (await planning.http.get("/cases", headers=LENA)).json()["items"]
    assert case["discharge_ready_at"] == "2025-03-03T08:00:00Z"


async def test_a_subject_longer_than_its_columns_is_kept_to_their_bound(planning):
    await planning.feed(notice("M6"))
    long_subject = "u" * 300
    lena, anna = user("municipality", "1280", long_subject), user("primary_care", "VC1", long_subject)
    sent = await send(planning, lena, "M6", "Hej")
    assert sent["sender_subject"] == "u" * 200
    url = f"/stays/M6/messages/{sent['message_id']}/acknowledgement"
    assert (await planning.http.post(url, headers=user("ward", "W1", long_subject))).status_code == 201
    returned = await planning.http.post("/cases/M6:primary_care:VC1/return", json={"reason": "fel"}, headers=anna)
    assert (returned.status_code, returned.json()["closed_by"]) == (200, "u" * 200)
    assert (await planning.http.get("/stays/M6", headers=lena)).status_code == 200
