"""Generates the published contract from the models: one JSON Schema per event type and an AsyncAPI 3 document.

    python -m svu_shared.contracts.generate contracts/      (make contracts)

The output is committed; tests/contract fails when regenerating would change it (architecture §2).
"""

import json
import sys
from pathlib import Path
from typing import Any

from svu_shared.contracts import ALL_EVENTS, IntegrationEvent
from svu_shared.contracts.base import ID_MAX_LENGTH, ID_PATTERN
from svu_shared.envelope import CloudEvent

TOPIC_SUMMARIES = {
    "svu.admission": "Admission notices (inskrivningsmeddelanden) from wards. Key and subject: the stay id.",
    "svu.planning": "Cases per receiver and the planning of the way home (SIP). Key and subject: the stay id.",
    "svu.discharge": "Discharge-ready notices, withdrawals and discharges from wards. Key and subject: the stay id.",
    "svu.billing": "Settlements, invoices and corrections of payment responsibility. Key and subject: "
    "<kommunkod>:<YYYY-MM>.",
}
KEY_DESCRIPTION = {
    topic: "The stay id (also the Kafka key)" for topic in ("svu.admission", "svu.planning", "svu.discharge")
}
KEY_DESCRIPTION["svu.billing"] = "<kommunkod>:<YYYY-MM> (also the Kafka key)"


# One example per event type: published in the AsyncAPI document and checked against the schemas by tests/contract.
EXAMPLES: dict[str, dict[str, Any]] = {
    "se.svu.admission.notice_sent.v1": {
        "stay_id": "SUS-2025-000123",
        "patient_id": "191212121212",
        "municipality": "1280",
        "care_unit": "SE2321000016-MEDAVD3",
        "care_type": "somatic",
        "admitted_at": "2025-03-01T10:00:00+01:00",
        "sent_at": "2025-03-01T14:10:00+01:00",
        "estimated_discharge_date": "2025-03-06",
        "notice_deadline": "2025-03-02T10:00:00+01:00",
        "primary_care_unit": "SE2321000016-VCLIMHAMN",
    },
    "se.svu.admission.notice_corrected.v1": {
        "stay_id": "SUS-2025-000123",
        "admitted_at": "2025-03-01T10:00:00+01:00",
        "support_needed_judged_at": "2025-03-02T09:00:00+01:00",
        "notice_deadline": "2025-03-03T09:00:00+01:00",
        "primary_care_unit": "SE2321000016-VCLIMHAMN",
        "reason": "the physician's judgement was the day after admission",
        "corrected_at": "2025-03-02T11:00:00+01:00",
    },
    "se.svu.admission.notice_cancelled.v1": {
        "stay_id": "SUS-2025-000123",
        "reason": "sent for the wrong patient",
        "cancelled_at": "2025-03-01T15:02:00+01:00",
    },
    "se.svu.admission.patient_transferred.v1": {
        "stay_id": "SUS-2025-000123",
        "from_care_unit": "SE2321000016-MEDAVD3",
        "to_care_unit": "SE2321000016-GERIATRIK1",
        "transferred_at": "2025-03-03T09:30:00+01:00",
    },
    "se.svu.planning.case_opened.v1": {
        "stay_id": "SUS-2025-000123",
        "case_id": "SUS-2025-000123:municipality:1280",
        "receiver_kind": "municipality",
        "receiver_id": "1280",
        "opened_at": "2025-03-01T14:10:01+01:00",
    },
    "se.svu.planning.case_closed.v1": {
        "stay_id": "SUS-2025-000123",
        "case_id": "SUS-2025-000123:primary_care:SE2321000016-VCLIMHAMN",
        "receiver_kind": "primary_care",
        "receiver_id": "SE2321000016-VCLIMHAMN",
        "reason": "the patient's vårdcentral changed",
        "closed_at": "2025-03-02T11:00:01+01:00",
    },
    "se.svu.planning.message_acknowledged.v1": {
        "stay_id": "SUS-2025-000123",
        "message_id": "0b6f3f7e-1b1c-4f43-9a57-6f0c8e7d2a11",
        "case_id": "SUS-2025-000123:municipality:1280",
        "receiver_kind": "municipality",
        "receiver_id": "1280",
        "acknowledged_at": "2025-03-01T15:30:00+01:00",
    },
    "se.svu.planning.care_contact_assigned.v1": {
        "stay_id": "SUS-2025-000123",
        "name": "Karin Lind, distriktssköterska",
        "care_unit": "SE2321000016-VCLIMHAMN",
        "phone": "040-123 45",
        "recorded_at": "2025-03-02T08:15:00+01:00",
        "recorded_by": "SE2321000016-VCLIMHAMN",
    },
    "se.svu.planning.assessment_recorded.v1": {
        "stay_id": "SUS-2025-000123",
        "summary": "Needs help with medication and showering; lives alone.",
        "needs": ["hemtjänst: dusch", "läkemedelshantering"],
        "recorded_at": "2025-03-02T13:00:00+01:00",
        "recorded_by": "SE2321000016-MEDAVD3",
    },
    "se.svu.planning.sip_decided.v1": {
        "stay_id": "SUS-2025-000123",
        "sip_needed": True,
        "reason": "home care and primary care must both act",
        "recorded_at": "2025-03-02T14:00:00+01:00",
        "recorded_by": "SE2321000016-VCLIMHAMN",
    },
    "se.svu.planning.sip_invitation_sent.v1": {
        "stay_id": "SUS-2025-000123",
        "meeting_at": "2025-03-05T10:00:00+01:00",
        "invitees": ["the patient", "1280 SVU-team", "SE2321000016-MEDAVD3"],
        "recorded_at": "2025-03-03T11:00:00+01:00",
        "recorded_by": "SE2321000016-VCLIMHAMN",
    },
    "se.svu.planning.sip_agreed.v1": {
        "stay_id": "SUS-2025-000123",
        "participants": ["the patient", "daughter", "1280 SVU-team", "Karin Lind"],
        "goals": ["manage at home with support"],
        "actions": [{"what": "hemtjänst morning and evening", "who": "1280 hemtjänst", "by": "2025-03-06"}],
        "patient_consent": True,
        "patient_participated": True,
        "recorded_at": "2025-03-05T11:00:00+01:00",
        "recorded_by": "SE2321000016-VCLIMHAMN",
    },
    "se.svu.planning.receiving_decided.v1": {
        "stay_id": "SUS-2025-000123",
        "can_receive": True,
        "from_date": "2025-03-06",
        "comment": None,
        "recorded_at": "2025-03-05T12:00:00+01:00",
        "recorded_by": "1280",
    },
    "se.svu.discharge.ready_notified.v1": {
        "stay_id": "SUS-2025-000123",
        "judged_at": "2025-03-03T08:40:00+01:00",
        "sent_at": "2025-03-03T09:00:00+01:00",
    },
    "se.svu.discharge.ready_withdrawn.v1": {
        "stay_id": "SUS-2025-000123",
        "withdrawn_at": "2025-03-04T08:00:00+01:00",
        "reason": "feber",
    },
    "se.svu.discharge.estimated_date_changed.v1": {
        "stay_id": "SUS-2025-000123",
        "estimated_discharge_date": "2025-03-07",
        "changed_at": "2025-03-03T09:05:00+01:00",
    },
    "se.svu.discharge.information_sent.v1": {
        "stay_id": "SUS-2025-000123",
        "epicrisis_sent_at": "2025-03-05T14:00:00+01:00",
        "medication_list_sent_at": "2025-03-05T14:00:00+01:00",
    },
    "se.svu.discharge.patient_discharged.v1": {
        "stay_id": "SUS-2025-000123",
        "discharged_at": "2025-03-05T15:00:00+01:00",
        "destination": "home",
    },
    "se.svu.billing.settlement_calculated.v1": {
        "agreement": "skane-2018",
        "period": "2023-03",
        "municipality": "1280",
        "run_id": "run-7f3a",
        "stays": 10,
        "ready_days": 32,
        "billable_days": "4.00",
        "amount_sek": "42000.00",
        "calculated_at": "2023-04-03T06:00:00+02:00",
    },
    "se.svu.billing.invoice_issued.v1": {
        "agreement": "skane-2018",
        "period": "2023-03",
        "municipality": "1280",
        "invoice_id": "INV-2023-03-1280-1",
        "run_id": "run-7f3a",
        "amount_sek": "42000.00",
        "issued_at": "2023-04-03T06:00:00+02:00",
    },
    "se.svu.billing.correction_issued.v1": {
        "agreement": "skane-2018",
        "period": "2023-03",
        "municipality": "1280",
        "invoice_id": "INV-2023-03-1280-2",
        "corrects_invoice_id": "INV-2023-03-1280-1",
        "kind": "credit",
        "run_id": "run-8c21",
        "amount_sek": "-10500.00",
        "issued_at": "2023-05-02T06:00:00+02:00",
    },
}


def example_envelope(event: type[IntegrationEvent]) -> dict[str, Any]:
    data = dict(EXAMPLES[event.event_type])
    return {
        "specversion": "1.0",
        "id": f"example-{event.event_type}",
        "source": event.source,
        "type": event.event_type,
        "subject": event.model_validate(data).key(),
        "time": "2025-03-03T08:00:00Z",
        "datacontenttype": "application/json",
        "data": data,
    }


def schema_name(event: type[IntegrationEvent]) -> str:
    return event.event_type


def event_schema(event: type[IntegrationEvent]) -> dict[str, Any]:
    data = event.model_json_schema(mode="serialization")
    # Nested models' definitions go to the document root, where their "#/$defs/..." references point.
    definitions = data.pop("$defs", None)
    return {
        **({"$defs": definitions} if definitions else {}),
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:svu:schema:{event.event_type}",
        "title": event.__name__,
        "description": (event.__doc__ or "").strip(),
        "type": "object",
        "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {
                "type": "string",
                "maxLength": ID_MAX_LENGTH,
                "pattern": ID_PATTERN,
                "description": "Unique per event; the consumer's dedup key",
            },
            "source": {"const": event.source},
            "type": {"const": event.event_type},
            "subject": {
                "type": "string",
                "maxLength": ID_MAX_LENGTH,
                "pattern": ID_PATTERN,
                "description": KEY_DESCRIPTION[event.topic],
            },
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"const": "application/json"},
            "data": data,
        },
    }


def asyncapi(schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event in ALL_EVENTS:
        name = event.__name__
        messages[name] = {
            "name": event.event_type,
            "title": name,
            "summary": (event.__doc__ or "").strip(),
            "contentType": "application/cloudevents+json",
            "headers": {
                "type": "object",
                "properties": {
                    "traceparent": {"type": "string", "description": "W3C trace context of the producing request"}
                },
            },
            "bindings": {"kafka": {"key": {"type": "string", "description": KEY_DESCRIPTION[event.topic]}}},
            "payload": {"$ref": f"./schemas/{schema_name(event)}.json"},
            "examples": [{"name": "example", "payload": example_envelope(event)}],
        }
        channel = channels.setdefault(
            event.topic, {"address": event.topic, "description": TOPIC_SUMMARIES[event.topic], "messages": {}}
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for topic in channels:
        op = topic.replace(".", "_")
        operations[f"receive_{op}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{topic}"},
            "summary": f"Consume {topic}: commit offsets after your own commit; dedup by CloudEvents id.",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "SVU integration events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in structured JSON mode on Kafka. `type` carries the major version; "
            "fields are only ever added (ignore unknown ones); a breaking change is a new v2 type. "
            "Poison messages go to `<topic>.dlq` with `svu.dlq.*` headers.",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "make run / make up"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render(out: Path) -> dict[Path, str]:
    files: dict[Path, str] = {}
    schemas = {schema_name(e): event_schema(e) for e in ALL_EVENTS}
    for name, schema in schemas.items():
        files[out / "schemas" / f"{name}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    files[out / "schemas" / "cloudevent-envelope.json"] = (
        json.dumps(CloudEvent.model_json_schema(), indent=2, sort_keys=True) + "\n"
    )
    files[out / "asyncapi.json"] = json.dumps(asyncapi(schemas), indent=2, sort_keys=True) + "\n"
    return files


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "contracts")
    for path, text in render(out).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
