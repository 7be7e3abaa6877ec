"""Domain §3: a month settled from events that went through the real broker equals the CLI on the exported
events, byte for byte; runs are stored, invoices issued once, late events give a correction."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from confluent_kafka import Consumer

from svu_shared.contracts import event_model
from svu_shared.envelope import CloudEvent
from tests.support.auth import finance, ward
from tests.support.ids import unique_hex
from tests.support.notices import notify_ready, wait_for_discharge_to_know
from tests.support.realparts import wait_until

MUNICIPALITY = "1290"  # Kristianstad; 2022-03 belongs to this test alone (fresh broker and databases per run)


def post(url: str, body: dict) -> None:
    response = httpx.post(url, json=body, headers=ward("SE-CSK-MED1"), timeout=10)
    assert response.status_code == 201, response.text


def stay(svc: dict, ready_day: int, discharged_day: int) -> str:
    stay_id = f"bill-{unique_hex()[:10]}"
    post(
        f"{svc['admission']}/admission-notices",
        {
            "stay_id": stay_id,
            "patient_id": "191212121212",
            "municipality": MUNICIPALITY,
            "care_unit": "SE-CSK-MED1",
            "admitted_at": "2022-03-01T08:00:00+01:00",
        },
    )
    wait_for_discharge_to_know(svc["discharge"], stay_id, "SE-CSK-MED1")
    ready = f"2022-03-{ready_day:02d}T09:00:00+01:00"
    notify_ready(svc["discharge"], ward("SE-CSK-MED1"), stay_id, ready, ready)
    post(
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        {"discharged_at": f"2022-03-{discharged_day:02d}T15:00:00+01:00", "destination": "home"},
    )
    return stay_id


def applicable(raw: bytes) -> bool:
    """What the billing service applies rather than dead-letters: a CloudEvent of a known type and schema.
    (Other tests put poison messages on the same topics; the export mirrors what the service kept.)"""
    try:
        envelope = CloudEvent.from_bytes(raw)
        event_model(envelope.type).model_validate(envelope.data)
    except ValueError:  # pydantic ValidationError and UnknownEventType are ValueErrors
        return False
    return True


def export_topics(client: dict[str, str], path: Path) -> int:
    consumer = Consumer(
        {
            **client,
            "group.id": f"export-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe(["svu.admission", "svu.discharge"])
    lines: list[bytes] = []
    idle = 0
    while idle < 4:  # read until the topics have nothing more for two seconds
        batch = consumer.consume(num_messages=500, timeout=0.5)
        idle = 0 if batch else idle + 1
        lines += [m.value() for m in batch if not m.error() and applicable(m.value())]
    consumer.close()
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(lines)


def settle_http(svc: dict) -> httpx.Response:
    return httpx.get(
        f"{svc['billing']}/settlements",
        params={"agreement": "skane-2018", "period": "2022-03"},
        headers=finance(),
        timeout=10,
    )


def billed_stays(svc: dict) -> int:
    body = settle_http(svc).json()
    return next((m["stays"] for m in body["municipalities"] if m["municipality"] == MUNICIPALITY), 0)


def test_month_settled_from_the_broker_equals_the_cli_and_corrections_follow_late_events(
    running_services, kafka, tmp_path
):
    svc = {name: proc.url for name, proc in running_services.items()}
    # Ready days at noon: 4, 4, 3, 2 -> D = 13, N = 4, average 3.25 > 2.8 -> 13 - 11.2 = 1.8 days x 9 300.
    for ready_day, discharged_day in ((1, 4), (2, 5), (7, 9), (10, 11)):
        stay(svc, ready_day, discharged_day)
    wait_until(lambda: billed_stays(svc) == 4, timeout=60, what="billing to consume the four stays")

    http_body = settle_http(svc).content
    [line] = [m for m in json.loads(http_body)["municipalities"] if m["municipality"] == MUNICIPALITY]
    assert (line["ready_days"], line["billable_days"], line["amount_sek"]) == (13, "1.80", "16740.00")

    exported = tmp_path / "events.jsonl"
    assert export_topics(kafka.librdkafka(), exported) >= 12
    cli = subprocess.run(
        [
            str(Path(sys.executable).parent / "billing"),
            "settle",
            "--agreement",
            "skane-2018",
            "--period",
            "2022-03",
            "--events",
            str(exported),
        ],
        capture_output=True,
    )
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout == http_body

    # A stored run issues the invoice; the same inputs again reuse the run and issue nothing.
    first = httpx.post(
        f"{svc['billing']}/settlement-runs",
        json={"agreement": "skane-2018", "period": "2022-03"},
        headers=finance(),
        timeout=10,
    )
    assert first.status_code == 201, first.text
    [invoice] = [d for d in first.json()["documents"] if d["municipality"] == MUNICIPALITY]
    assert (invoice["kind"], invoice["amount_sek"]) == ("invoice", "16740.00")
    again = httpx.post(
        f"{svc['billing']}/settlement-runs",
        json={"agreement": "skane-2018", "period": "2022-03"},
        headers=finance(),
        timeout=10,
    )
    assert again.status_code == 200 and again.json()["reused"] is True
    assert again.json()["run_id"] == first.json()["run_id"]

    # A late stay of March arrives after the invoice: the next run issues a debit note, the invoice stays.
    stay(svc, 14, 18)  # 5 days -> D = 18, N = 5, 18 - 14 = 4 days = 37 200.00; debit 20 460.00
    wait_until(lambda: billed_stays(svc) == 5, timeout=60, what="billing to consume the late stay")
    third = httpx.post(
        f"{svc['billing']}/settlement-runs",
        json={"agreement": "skane-2018", "period": "2022-03"},
        headers=finance(),
        timeout=10,
    )
    assert third.status_code == 201
    [debit] = [d for d in third.json()["documents"] if d["municipality"] == MUNICIPALITY]
    assert (debit["kind"], debit["amount_sek"], debit["corrects_invoice_id"]) == (
        "debit",
        "20460.00",
        invoice["invoice_id"],
    )

    spec = httpx.get(
        f"{svc['billing']}/invoices/{invoice['invoice_id']}/specification.csv", headers=finance(), timeout=10
    ).text
    rows = spec.strip().splitlines()
    assert rows[0].startswith("stay_id,municipality,care_type,ready_opened_at")
    assert len(rows) == 1 + 4  # the invoice's run had four stays with one ready period each
    pdf = httpx.get(
        f"{svc['billing']}/invoices/{invoice['invoice_id']}/specification.pdf", headers=finance(), timeout=10
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    follow_up = httpx.get(
        f"{svc['billing']}/follow-up",
        params={"agreement": "skane-2018", "from": "2022-03", "to": "2022-03"},
        headers=finance(),
        timeout=10,
    ).json()
    [march] = [m for m in follow_up["months"] if m["municipality"] == MUNICIPALITY]
    assert (march["stays"], march["ready_days"], march["average_days"], march["over_threshold"]) == (
        5,
        18,
        "3.600",
        True,
    )
    chart = httpx.get(
        f"{svc['billing']}/follow-up",
        params={"agreement": "skane-2018", "from": "2022-01", "to": "2022-06", "format": "png"},
        headers=finance(),
        timeout=30,
    )
    assert chart.headers["content-type"] == "image/png" and chart.content.startswith(b"\x89PNG")


def test_settlement_names_a_missing_day_amount_year(running_services):
    billing = running_services["billing"].url
    # Finance enters a year's day amount through the API (ADR 0016), and the schemathesis run may have entered
    # some: ask which years have one and take the first that has none.
    known = httpx.get(f"{billing}/day-amounts", headers=finance(), timeout=10)
    assert known.status_code == 200, known.text
    years = {row["year"] for row in known.json()["items"]}
    year = next(y for y in range(2024, 2100) if y not in years)
    response = httpx.get(
        f"{billing}/settlements",
        params={"agreement": "skane-2018", "period": f"{year}-03"},
        headers=finance(),
        timeout=10,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["query", "period"] and f"no sourced day amount for {year}" in error["msg"]
