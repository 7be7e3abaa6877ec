"""Generates the published contract from the models: one JSON Schema per event type and an AsyncAPI 3 document.

    python -m svu_shared.contracts.generate contracts/      (make contracts)

The output is committed; tests/contract fails when regenerating would change it (architecture §2).
"""

import json
import sys
from pathlib import Path
from typing import Any

from svu_shared.contracts import ALL_EVENTS, IntegrationEvent, examples_of
from svu_shared.contracts.base import ID_MAX_LENGTH, ID_PATTERN
from svu_shared.envelope import CloudEvent


def example_name(index: int) -> str:
    # The first example keeps the plain name, so a type's published example id does not change when one is added.
    return "example" + (f"-{index + 1}" if index else "")


def example_envelope(event: type[IntegrationEvent], index: int = 0) -> dict[str, Any]:
    """The event's `index`th example (the model's own, examples_of) in its CloudEvents envelope."""
    data = dict(examples_of(event)[index])
    return {
        "specversion": "1.0",
        "id": f"{example_name(index)}-{event.event_type}",
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
                "description": event.key_description,
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
            "bindings": {"kafka": {"key": {"type": "string", "description": event.key_description}}},
            "payload": {"$ref": f"./schemas/{schema_name(event)}.json"},
            "examples": [
                {"name": example_name(i), "payload": example_envelope(event, i)} for i in range(len(examples_of(event)))
            ],
        }
        channel = channels.setdefault(
            event.topic, {"address": event.topic, "description": event.topic_summary, "messages": {}}
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
