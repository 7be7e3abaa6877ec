"""Architecture §5: admission → planning opens a case; discharge-ready → planning and billing; real broker."""

import json
import uuid

import httpx
from confluent_kafka import Consumer

from tests.support.auth import finance, municipality, ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice, notify_ready, wait_for_discharge_to_know
from tests.support.realparts import eventually, wait_until
from tests.support.topics import read_topic


def _post(url: str, body: dict) -> dict:
    response = httpx.post(url, json=body, headers=ward("SE2321000016-WARD1"), timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def _get_json(url: str, headers: dict):  # type: ignore[no-untyped-def]
    response = httpx.get(url, headers=headers, timeout=10)
    return response.json() if response.status_code == 200 else None


def test_admission_reaches_planning_and_discharge_ready_reaches_planning_and_billing(running_services, kafka):
    svc = {name: proc.url for name, proc in running_services.items()}
    stay_id = f"e2e-{unique_hex()[:12]}"

    _post(
        f"{svc['admission']}/admission-notices",
        admission_notice(stay_id, "1281", "SE2321000016-WARD1"),
    )
    kristianstad = municipality("1281")
    cases = wait_until(
        lambda: _get_json(f"{svc['planning']}/cases?stay_id={stay_id}", kristianstad)["items"], what="planning case"
    )
    assert [(c["receiver_kind"], c["receiver_id"], c["status"]) for c in cases] == [
        ("municipality", "1281", "admitted")
    ]

    wait_for_discharge_to_know(svc["discharge"], stay_id, "SE2321000016-WARD1")
    notify_ready(
        svc["discharge"], ward("SE2321000016-WARD1"), stay_id, "2025-03-03T08:30:00+01:00", "2025-03-03T09:00:00+01:00"
    )
    # The notice (received now) and its backdating are two events: the case is discharge-ready after the first,
    # with the paper notice's time after the second.
    case = wait_until(
        lambda: [
            c
            for c in _get_json(f"{svc['planning']}/cases?stay_id={stay_id}", kristianstad)["items"]
            if c["status"] == "discharge_ready" and c["discharge_ready_at"] == "2025-03-03T08:00:00Z"
        ],
        what="case discharge-ready from the paper notice's time",
    )[0]
    assert case["discharge_ready_at"] == "2025-03-03T08:00:00Z"

    # The notice (received now) and its backdating (sent on paper) are two events: wait for both.
    timeline = wait_until(
        lambda: (
            (t := _get_json(f"{svc['billing']}/stays/{stay_id}/ready-periods", finance()))
            and t["periods"]
            and t["periods"][0]["backdated_from"]
            and t
        ),
        what="billing's ready period, backdated",
    )
    assert timeline["municipality"] == "1281"
    assert timeline["periods"][0]["opened_at"] == "2025-03-03T08:00:00Z"
    assert timeline["periods"][0]["closed_at"] is None

    # A plain Kafka client that is not ours reads the same events, with CloudEvents content and the stay as key.
    consumer = Consumer(
        {
            **kafka.librdkafka(),
            "group.id": f"plain-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe(["svu.admission", "svu.discharge", "svu.planning"])
    seen: dict[str, dict] = {}

    def read_until_all_seen() -> bool:
        for message in consumer.consume(num_messages=100, timeout=0.5):
            if message.error() or message.key() != stay_id.encode():
                continue
            event = json.loads(message.value())
            seen[event["type"]] = {"event": event, "topic": message.topic(), "headers": dict(message.headers() or [])}
        return {
            "se.svu.admission.notice_sent.v2",
            "se.svu.discharge.ready_notified.v1",
            "se.svu.discharge.ready_backdated.v1",
            "se.svu.planning.case_opened.v1",
        } <= set(seen)

    try:
        wait_until(read_until_all_seen, timeout=30, what="events on the topics")
    finally:
        consumer.close()
    admission = seen["se.svu.admission.notice_sent.v2"]
    assert admission["topic"] == "svu.admission"
    assert admission["event"]["specversion"] == "1.0"
    assert admission["event"]["source"] == "/svu/admission"
    assert admission["event"]["subject"] == stay_id
    assert admission["event"]["data"]["municipality"] == "1281"
    # The notice identifies no one: the identity has a topic of its own, which planning alone reads (ADR 0028).
    assert not {"patient_id", "patient_name", "patient_address"} & set(admission["event"]["data"])
    ready = seen["se.svu.discharge.ready_notified.v1"]
    assert ready["topic"] == "svu.discharge"
    # The notice's send time is the server's receipt; the paper notice's time came as a reasoned backdating.
    backdated = seen["se.svu.discharge.ready_backdated.v1"]["event"]["data"]
    assert (backdated["sent_at"], backdated["received_at"]) == (
        "2025-03-03T09:00:00+01:00",
        ready["event"]["data"]["sent_at"],
    )
    assert seen["se.svu.planning.case_opened.v1"]["event"]["data"]["receiver_id"] == "1281"


def test_health_and_openapi_on_every_service(running_services):
    for name, proc in running_services.items():
        health = httpx.get(f"{proc.url}/health", timeout=5)
        assert health.status_code == 200 and health.json() == {"status": "ok", "service": name}
        spec = httpx.get(f"{proc.url}/openapi.json", timeout=5).json()
        assert spec["info"]["title"] == f"SVU {name} service"


def test_an_illegal_transition_is_a_409_naming_the_rule(running_services):
    admission, url = running_services["admission"].url, running_services["discharge"].url
    stay_id = f"e2e-{unique_hex()[:12]}"
    _post(f"{admission}/admission-notices", admission_notice(stay_id, care_unit="SE2321000016-WARD1"))
    wait_for_discharge_to_know(url, stay_id, "SE2321000016-WARD1")
    response = httpx.post(
        f"{url}/stays/{stay_id}/discharge-ready/withdrawal",
        json={"reason": "fever"},
        headers=ward("SE2321000016-WARD1"),
        timeout=10,
    )
    assert response.status_code == 409
    assert "only a discharge-ready patient can have the notice withdrawn" in response.json()["detail"]


def test_an_invalid_field_is_a_422_naming_the_field(running_services):
    url = running_services["admission"].url
    response = httpx.post(
        f"{url}/admission-notices",
        json={
            "patient_id": "191212121213",
            "municipality": "1280",
            "care_unit": "W",
            "admitted_at": "2025-03-01T10:00:00+01:00",
        },
        headers=ward("W"),
        timeout=10,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "patient_id"]
    assert "Luhn" in error["msg"]


async def test_a_retried_notice_is_answered_200_without_a_second_event_and_other_content_is_a_409(
    running_services, kafka
):
    url = running_services["admission"].url
    stay_id = f"e2e-{unique_hex()[:12]}"
    notice = admission_notice(stay_id)
    async with httpx.AsyncClient(base_url=url, headers=ward("W"), timeout=10) as client:
        assert (await client.post("/admission-notices", json=notice)).status_code == 201
        again = await client.post("/admission-notices", json=notice)  # the ward's client retries
        assert again.status_code == 200 and again.json()["stay_id"] == stay_id
        other = await client.post("/admission-notices", json={**notice, "estimated_discharge_date": "2025-03-09"})
        assert other.status_code == 409 and "other content" in other.json()["detail"]

    async def published() -> list:
        return [r for r in await read_topic(kafka.admin, "svu.admission") if r.key == stay_id.encode()]

    assert len(await eventually(published, what="the notice on svu.admission")) == 1
