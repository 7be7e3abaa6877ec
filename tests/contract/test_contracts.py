"""Architecture §2: the committed schemas and AsyncAPI document are exactly what the models generate,
and every event type's example passes both its committed JSON Schema and its pydantic model."""

import json
from pathlib import Path

import jsonschema
import pytest

from svu_shared.contracts import ALL_EVENTS, StayEvent, event_model
from svu_shared.contracts.generate import EXAMPLES, example_envelope, render, schema_name
from svu_shared.envelope import CloudEvent

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


def test_committed_contracts_equal_what_the_models_generate():
    generated = render(CONTRACTS)
    stale = [str(p.relative_to(ROOT)) for p, text in generated.items() if not p.exists() or p.read_text() != text]
    assert not stale, f"run `make contracts` and commit: {stale}"
    committed = {p for p in CONTRACTS.rglob("*.json")}
    assert committed == set(generated), "contracts/ holds files the models no longer generate"


def test_every_event_type_has_an_example():
    assert set(EXAMPLES) == {e.event_type for e in ALL_EVENTS}


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.event_type)
def test_example_matches_committed_schema_and_model(event):
    schema = json.loads((CONTRACTS / "schemas" / f"{schema_name(event)}.json").read_text())
    envelope = example_envelope(event)
    jsonschema.validate(envelope, schema, format_checker=jsonschema.FormatChecker())
    parsed = CloudEvent.model_validate(envelope)
    assert event_model(parsed.type).model_validate(parsed.data).key() == envelope["subject"]


STAY_EVENTS = [e for e in ALL_EVENTS if issubclass(e, StayEvent)]


@pytest.mark.parametrize("event", STAY_EVENTS, ids=lambda e: e.event_type)
def test_schema_rejects_a_stay_event_without_its_stay(event):
    schema = json.loads((CONTRACTS / "schemas" / f"{schema_name(event)}.json").read_text())
    envelope = example_envelope(event)
    del envelope["data"]["stay_id"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(envelope, schema)


def test_consumers_ignore_unknown_fields():
    event = ALL_EVENTS[0]
    data = {**EXAMPLES[event.event_type], "added_in_a_later_minor_version": 1}
    assert event.model_validate(data).stay_id == data["stay_id"]


def test_asyncapi_names_every_topic_and_type():
    doc = json.loads((CONTRACTS / "asyncapi.json").read_text())
    assert doc["asyncapi"] == "3.0.0"
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert names == {e.event_type for e in ALL_EVENTS}
    assert {e.topic for e in ALL_EVENTS} <= set(doc["channels"])
