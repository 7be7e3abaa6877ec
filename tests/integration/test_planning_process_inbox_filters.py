"""The receivers' inbox and the ward's list as the web application's inbox and header ask for them, on PostgreSQL and
SQLite: only what is unread for the caller's party (`unread`), only discharge-ready patients not yet discharged
(`ready`), sorted by discharge-ready time or estimated discharge date (`sort`), paged with the right total."""

from datetime import date, datetime, timedelta
from functools import partial

from svu_shared.contracts import DischargeReadyNotified, PatientDischarged
from svu_shared.local_issuer import token
from tests.support.notices import notice_event


def user(role: str, org: str, subject: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, org, subject=subject)}"}


SARA, LENA, ANNA = (
    user("ward", "W1", "sara@w1"),
    user("municipality", "1280", "lena@malmo"),
    user("primary_care", "VC1", "anna@vc1"),
)
READY = datetime.fromisoformat("2025-03-03T09:00:00+01:00")
notice = partial(notice_event, patient_name="Nils Nilsson")


async def ids(planning, headers, path: str, **params) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    answer = await planning.http.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return [item["stay_id"] for item in body["items"]], body["total"]


async def acknowledge_all(planning, case_id: str, headers) -> None:  # type: ignore[no-untyped-def]
    for message in (await planning.http.get(f"/cases/{case_id}/messages", headers=headers)).json():
        if not message["own"] and message["acknowledged_at"] is None:
            url = f"/cases/{case_id}/messages/{message['message_id']}/acknowledgement"
            assert (await planning.http.post(url, headers=headers)).status_code in (200, 201)


async def test_the_inbox_filters_unread_and_ready_and_sorts_by_ready_time_or_estimated_date(planning):
    await planning.feed(notice("F1", estimated_discharge_date=date(2025, 3, 20)))
    await planning.feed(notice("F2", estimated_discharge_date=date(2025, 3, 10)))
    await planning.feed(notice("F3"))
    await planning.feed(notice("F4", estimated_discharge_date=date(2025, 3, 5)))
    await planning.feed(DischargeReadyNotified(stay_id="F2", judged_at=READY, sent_at=READY))
    earlier = READY - timedelta(days=1)
    await planning.feed(DischargeReadyNotified(stay_id="F3", judged_at=earlier, sent_at=earlier))
    await planning.feed(DischargeReadyNotified(stay_id="F4", judged_at=READY, sent_at=READY))
    await planning.feed(PatientDischarged(stay_id="F4", discharged_at=READY + timedelta(hours=5), destination="home"))

    inbox = {"receiver_kind": "municipality", "receiver_id": "1280"}
    # Every notice is unread until the municipality acknowledges it; F1 read, the rest not.
    assert (await ids(planning, LENA, "/cases", **inbox, unread="true"))[1] == 4
    await acknowledge_all(planning, "F1:municipality:1280", LENA)
    unread, total = await ids(planning, LENA, "/cases", **inbox, unread="true")
    assert (sorted(unread), total) == (["F2", "F3", "F4"], 3)
    assert (await ids(planning, LENA, "/cases", **inbox, unread="true", limit=1))[1] == 3  # the header's count
    # A message from the municipality itself is never unread for it; the ward's meddelande is.
    sent = await planning.http.post("/stays/F1/messages", json={"text": "Hemtjänst klar"}, headers=LENA)
    assert sent.status_code == 201
    assert "F1" not in (await ids(planning, LENA, "/cases", **inbox, unread="true"))[0]
    sent = await planning.http.post("/stays/F1/messages", json={"text": "Hämtas fredag"}, headers=SARA)
    assert sent.status_code == 201
    assert "F1" in (await ids(planning, LENA, "/cases", **inbox, unread="true"))[0]

    # Ready: discharge-ready and not discharged (F4 was discharged); longest waiting first when sorted by it.
    assert await ids(planning, LENA, "/cases", **inbox, ready="true", sort="ready") == (["F3", "F2"], 2)
    assert await ids(planning, LENA, "/cases", **inbox, ready="true", sort="ready", limit=1, offset=1) == (["F2"], 2)
    # Sorted by estimated date: earliest first, those without one last; the default stays newest first.
    assert (await ids(planning, LENA, "/cases", **inbox, sort="estimated"))[0] == ["F4", "F2", "F1", "F3"]
    assert (await ids(planning, LENA, "/cases", **inbox))[0] == ["F4", "F3", "F2", "F1"]
    assert (await ids(planning, LENA, "/cases", **inbox, sort="ready"))[0] == ["F3", "F4", "F2", "F1"]  # ties: newest
    assert (await planning.http.get("/cases", params={"sort": "name"}, headers=LENA)).status_code == 422
    # The vårdcentral's own list has its own unread.
    assert (await ids(planning, ANNA, "/cases", unread="true"))[1] == 4


async def test_the_ward_list_filters_what_the_ward_has_not_acknowledged(planning):
    await planning.feed(notice("U1"))
    await planning.feed(notice("U2"))
    assert await ids(planning, SARA, "/stays", care_unit="W1", unread="true") == ([], 0)
    sent = await planning.http.post("/stays/U2/messages", json={"text": "Kan ta emot"}, headers=LENA)
    assert sent.status_code == 201
    assert await ids(planning, SARA, "/stays", care_unit="W1", unread="true", limit=1) == (["U2"], 1)
    url = f"/stays/U2/messages/{sent.json()['message_id']}/acknowledgement"
    assert (await planning.http.post(url, headers=SARA)).status_code == 201
    assert await ids(planning, SARA, "/stays", care_unit="W1", unread="true") == ([], 0)
    # A receiver's unread on its stays: its case's messages not acknowledged (the admission notices).
    assert (await ids(planning, LENA, "/stays", unread="true"))[1] == 2
    await acknowledge_all(planning, "U1:municipality:1280", LENA)
    assert await ids(planning, LENA, "/stays", unread="true") == (["U2"], 1)
