"""ADR 0015: the payment clock cannot be set by hand. The discharge-ready notice is sent when the server receives
it; a paper notice's earlier send time is a separate, reasoned backdating, once per notice; on PostgreSQL and
on SQLite, through the HTTP API, with what the service published read from its outbox."""

from datetime import UTC, datetime, timedelta
from functools import partial

from tests.support.auth import municipality, ward
from tests.support.notices import notice_event

W = ward("W")
JUDGED = "2025-03-03T08:30:00+01:00"


# The ward W's notice for Malmö, as the discharge service receives it.
_notice = partial(notice_event, care_unit="W", primary_care_unit=None, sent_after=timedelta(hours=2))


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _ready(discharge, stay_id: str) -> dict:  # type: ignore[no-untyped-def]
    await discharge.feed(_notice(stay_id))
    before = datetime.now(UTC)
    posted = await discharge.http.post(f"/stays/{stay_id}/discharge-ready", json={"judged_at": JUDGED}, headers=W)
    assert posted.status_code == 201
    ready = posted.json()
    assert before <= _at(ready["ready_received_at"]) <= datetime.now(UTC)
    assert (ready["status"], ready["ready_since"], ready["backdating"]) == (
        "discharge_ready",
        ready["ready_received_at"],
        None,
    )
    return ready


async def test_a_client_sent_at_is_refused_naming_the_field_and_the_way_to_backdate(discharge):
    await discharge.feed(_notice("B0"))
    for sent_at in ("2025-03-03T09:00:00+01:00", None):
        refused = await discharge.http.post(
            "/stays/B0/discharge-ready", json={"judged_at": JUDGED, "sent_at": sent_at}, headers=W
        )
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert error["loc"] == ["body", "sent_at"]
        assert "sent_at is the server's time of receipt and cannot be set" in error["msg"]
        assert "POST /stays/{stay_id}/discharge-ready/backdating" in error["msg"]
    assert await discharge.published("B0") == []
    document = (await discharge.http.get("/openapi.json")).json()
    assert "sent_at" not in document["components"]["schemas"]["DischargeReadyIn"]["properties"]


async def test_the_notice_is_sent_at_receipt_and_a_backdating_moves_the_period_with_its_reason(discharge):
    ready = await _ready(discharge, "B1")
    received = ready["ready_received_at"]
    body = {"sent_at": "2025-03-03T09:00:00+01:00", "reason": "Journalsystemet låg nere; faxad 09:00"}
    backdated = await discharge.http.post("/stays/B1/discharge-ready/backdating", json=body, headers=W)
    assert backdated.status_code == 201
    timeline = (await discharge.http.get("/stays/B1", headers=municipality())).json()  # every party sees it
    assert _at(backdated.json()["ready_since"]) == _at(timeline["ready_since"])  # the answer, in the ward's offset
    assert (timeline["ready_since"], timeline["ready_received_at"], timeline["status"]) == (
        "2025-03-03T08:00:00Z",
        received,
        "discharge_ready",
    )
    correction = timeline["backdating"]
    assert (correction["sent_at"], correction["received_at"], correction["reason"]) == (
        "2025-03-03T08:00:00Z",
        received,
        body["reason"],
    )
    events = await discharge.published("B1")
    assert [e["type"] for e in events] == ["ready_notified", "ready_backdated"]
    assert _at(events[0]["sent_at"]) == _at(received) and events[0]["judged_at"] == JUDGED
    assert {k: v for k, v in events[1].items() if k not in ("type", "version", "corrected_at")} == {
        "stay_id": "B1",
        "sent_at": "2025-03-03T09:00:00+01:00",
        "received_at": events[0]["sent_at"],
        "reason": body["reason"],
    }
    assert _at(events[1]["corrected_at"]) == _at(correction["corrected_at"])
    again = await discharge.http.post(
        "/stays/B1/discharge-ready/backdating", json={**body, "sent_at": JUDGED}, headers=W
    )
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"the discharge-ready notice received at {_at(received).isoformat()} was already backdated to "
        f"{_at('2025-03-03T08:00:00Z').isoformat()} (at {_at(correction['corrected_at']).isoformat()}): "
        "a notice is backdated once"
    )
    withdrawn = await discharge.http.post(
        "/stays/B1/discharge-ready/withdrawal",
        json={"reason": "feber", "withdrawn_at": "2025-03-04T07:00:00+01:00"},
        headers=W,
    )
    assert withdrawn.status_code == 201  # the withdrawal is judged against the backdated start


async def test_a_backdating_is_not_after_receipt_before_the_judgement_or_in_the_future(discharge):
    ready = await _ready(discharge, "B2")
    received = _at(ready["ready_received_at"])
    for sent_at, rule in (
        (
            received + timedelta(milliseconds=1),
            f"sent_at cannot be after the notice was received ({received.isoformat()})",
        ),
        (
            _at(JUDGED) - timedelta(seconds=1),
            "sent_at cannot be before the physician's judgement (judged_at 2025-03-03T07:30:00+00:00)",
        ),
        (datetime.now(UTC) + timedelta(hours=1), "sent_at cannot be in the future"),
    ):
        body = {"sent_at": sent_at.isoformat(), "reason": "r"}
        refused = await discharge.http.post("/stays/B2/discharge-ready/backdating", json=body, headers=W)
        assert (refused.status_code, refused.json()["detail"]) == (409, rule)
    at_receipt = {"sent_at": ready["ready_received_at"], "reason": "r"}  # not after: the receipt time itself is
    assert (
        await discharge.http.post("/stays/B2/discharge-ready/backdating", json=at_receipt, headers=W)
    ).status_code == 201
    assert [e["type"] for e in await discharge.published("B2")] == ["ready_notified", "ready_backdated"]


async def test_a_backdating_needs_a_notice_a_reason_and_a_ward_of_the_stay(discharge):
    await discharge.feed(_notice("B3"))
    body = {"sent_at": "2025-03-03T09:00:00+01:00", "reason": "r"}
    none = await discharge.http.post("/stays/B3/discharge-ready/backdating", json=body, headers=W)
    assert (none.status_code, none.json()["detail"]) == (409, "stay B3 has no discharge-ready notice to backdate")
    for invalid, field in (
        ({"sent_at": body["sent_at"]}, "reason"),
        ({**body, "reason": ""}, "reason"),
        ({**body, "sent_at": "2025-03-03T09:00:00"}, "sent_at"),
        ({**body, "judged_at": JUDGED}, "judged_at"),
    ):
        answer = await discharge.http.post("/stays/B3/discharge-ready/backdating", json=invalid, headers=W)
        assert (answer.status_code, answer.json()["errors"][0]["loc"]) == (422, ["body", field])
    url = "/stays/B3/discharge-ready/backdating"
    assert (await discharge.http.post(url, json=body, headers=municipality())).status_code == 403
    assert (await discharge.http.post(url, json=body, headers=ward("W9"))).status_code == 404
    assert (
        await discharge.http.post("/stays/nope/discharge-ready/backdating", json=body, headers=W)
    ).status_code == 404


async def test_the_latest_period_may_be_backdated_after_its_withdrawal_but_not_into_the_period_before(discharge):
    await _ready(discharge, "B4")
    first = {"sent_at": "2025-03-03T09:00:00+01:00", "reason": "faxad"}
    assert (await discharge.http.post("/stays/B4/discharge-ready/backdating", json=first, headers=W)).status_code == 201
    withdrawal = {"reason": "feber", "withdrawn_at": "2025-03-04T07:00:00+01:00"}
    await discharge.http.post("/stays/B4/discharge-ready/withdrawal", json=withdrawal, headers=W)
    second = await discharge.http.post(
        "/stays/B4/discharge-ready", json={"judged_at": "2025-03-03T12:00:00+01:00"}, headers=W
    )
    assert second.json()["backdating"] is None  # a new notice: its own correction, once
    into_first = {"sent_at": "2025-03-04T06:59:00+01:00", "reason": "faxad"}
    refused = await discharge.http.post("/stays/B4/discharge-ready/backdating", json=into_first, headers=W)
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "sent_at cannot be before the previous ready period was withdrawn (2025-03-04T06:00:00+00:00)",
    )
    await discharge.http.post("/stays/B4/discharge-ready/withdrawal", json={"reason": "feber igen"}, headers=W)
    closed = await discharge.http.post(
        "/stays/B4/discharge-ready/backdating",
        json={"sent_at": "2025-03-06T08:30:00+01:00", "reason": "faxad"},
        headers=W,
    )
    assert closed.status_code == 201
    assert (closed.json()["status"], closed.json()["ready_since"], closed.json()["backdating"]["sent_at"]) == (
        "admitted",
        None,
        "2025-03-06T08:30:00+01:00",
    )
