"""Nothing a producer may send exceeds the column it lands in (ADR 0012): a value too long for its column is not a
database error to retry, it must be refused at the producer's API and at decode."""

from typing import Any

import pytest
from sqlalchemy import String, Table

from billing.adapters.tables import metadata as billing_tables
from billing.service_layer.handlers import HANDLERS as BILLING_HANDLERS
from discharge.adapters.tables import metadata as discharge_tables
from discharge.service_layer.handlers import HANDLERS as DISCHARGE_HANDLERS
from planning.adapters.tables import cases, messages, parked_events
from planning.adapters.tables import metadata as planning_tables
from planning.domain.case import case_id
from planning.service_layer.handlers import HANDLERS as PLANNING_HANDLERS
from svu_shared.contracts import event_model
from svu_shared.envelope import CloudEvent

CONSUMERS = {
    "planning": (planning_tables, PLANNING_HANDLERS),
    "discharge": (discharge_tables, DISCHARGE_HANDLERS),
    "billing": (billing_tables, BILLING_HANDLERS),
}


def bound(schema: dict[str, Any]) -> int | None:
    """The longest string a JSON Schema property admits, or None when it admits any length."""
    options = schema.get("anyOf", [schema])
    lengths = []
    for option in options:
        if option.get("type") == "null":
            continue
        if option.get("type") != "string" or option.get("format") in ("date-time", "date"):
            return 0  # not text: stored in a typed column
        if "enum" in option:
            lengths.append(max(len(v) for v in option["enum"]))
        elif "const" in option:
            lengths.append(len(option["const"]))
        elif "maxLength" in option:
            lengths.append(option["maxLength"])
        elif option.get("pattern", "").startswith("^\\d{") and option["pattern"].endswith("}$"):
            lengths.append(int(option["pattern"][4:-2]))
        else:
            return None
    return max(lengths, default=0)


def landing(service: str) -> list[tuple[str, str, int, int | None]]:
    """(event field, column, column length, field bound) for each event field the service stores by name."""
    metadata, handlers = CONSUMERS[service]
    found = []
    for event in handlers:
        properties = event.model_json_schema()["properties"]
        for table in metadata.tables.values():
            for column in table.columns:
                if isinstance(column.type, String) and column.type.length and column.name in properties:
                    found.append(
                        (
                            f"{event.event_type}.{column.name}",
                            f"{table.name}.{column.name}",
                            column.type.length,
                            bound(properties[column.name]),
                        )
                    )
    return found


@pytest.mark.parametrize("service", sorted(CONSUMERS))
def test_every_event_field_a_consumer_stores_is_bounded_by_its_column(service):
    stored = landing(service)
    assert stored, "the service stores event fields by name"
    too_long = [(field, column, length, b) for field, column, length, b in stored if b is None or b > length]
    assert too_long == []


def column_length(table: Table, name: str) -> int:
    return table.c[name].type.length  # type: ignore[attr-defined]


def test_every_envelope_attribute_fits_the_columns_it_lands_in():
    envelope = CloudEvent.model_json_schema()["properties"]
    inbox = planning_tables.tables["inbox"]
    assert bound(envelope["id"]) <= min(
        column_length(inbox, "event_id"),
        column_length(messages, "message_id"),
        column_length(parked_events, "event_id"),
        column_length(planning_tables.tables["dead_letters"], "event_id"),
    )
    assert bound(envelope["type"]) <= min(column_length(inbox, "event_type"), column_length(messages, "type"))
    assert bound(envelope["source"]) <= column_length(messages, "source")
    assert bound(envelope["subject"]) <= column_length(planning_tables.tables["outbox"], "key")


def test_the_longest_case_id_fits_its_columns_and_its_contract():
    longest = case_id("s" * 64, "primary_care", "h" * 64)
    assert len(longest) == 142
    assert len(longest) <= column_length(cases, "case_id")
    assert len(longest) <= column_length(planning_tables.tables["acknowledgements"], "case_id")
    assert bound(event_model("se.svu.planning.case_opened.v1").model_json_schema()["properties"]["case_id"]) == 142
