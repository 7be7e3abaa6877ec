"""Architecture §2: the committed schemas and AsyncAPI document are exactly what the models generate,
every event type's examples (carried by its model) pass both its committed JSON Schema and its pydantic model,
and each event type is defined in one place: defining its class registers it, and the topics follow from them."""

import json
import re
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest

from svu_shared import kafka
from svu_shared.contracts import (
    ALL_EVENTS,
    EVENTS_BY_TYPE,
    TOPICS,
    CaseOpened,
    IntegrationEvent,
    StayEvent,
    UnknownEventType,
    event_model,
    examples_of,
)
from svu_shared.contracts.generate import example_envelope, render, schema_name
from svu_shared.contracts.planning import PlanningEvent
from svu_shared.envelope import CloudEvent

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


def test_committed_contracts_equal_what_the_models_generate():
    generated = render(CONTRACTS)
    stale = [str(p.relative_to(ROOT)) for p, text in generated.items() if not p.exists() or p.read_text() != text]
    assert not stale, f"run `make contracts` and commit: {stale}"
    committed = {p for p in CONTRACTS.rglob("*.json")}
    assert committed == set(generated), "contracts/ holds files the models no longer generate"


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.event_type)
def test_every_event_type_has_an_example_published_in_its_schema(event):
    assert examples_of(event)
    schema = json.loads((CONTRACTS / "schemas" / f"{schema_name(event)}.json").read_text())
    assert schema["properties"]["data"]["examples"] == examples_of(event)


EXAMPLES = [
    pytest.param(event, index, id=f"{event.event_type}-{index}")
    for event in ALL_EVENTS
    for index in range(len(examples_of(event)))
]


@pytest.mark.parametrize(("event", "index"), EXAMPLES)
def test_example_matches_committed_schema_and_model(event, index):
    schema = json.loads((CONTRACTS / "schemas" / f"{schema_name(event)}.json").read_text())
    envelope = example_envelope(event, index)
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
    data = {**examples_of(event)[0], "added_in_a_later_minor_version": 1}
    assert event.model_validate(data).stay_id == data["stay_id"]


def test_asyncapi_names_every_topic_and_type():
    doc = json.loads((CONTRACTS / "asyncapi.json").read_text())
    assert doc["asyncapi"] == "3.0.0"
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert names == {e.event_type for e in ALL_EVENTS}
    assert {e.topic for e in ALL_EVENTS} <= set(doc["channels"])


def _subclasses(cls: type[IntegrationEvent]) -> list[type[IntegrationEvent]]:
    found: list[type[IntegrationEvent]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_event_class_of_the_contracts_is_registered_and_published():
    defined = {
        c
        for c in _subclasses(IntegrationEvent)
        if "event_type" in c.__dict__ and c.__module__.startswith("svu_shared.")
    }
    assert defined == set(ALL_EVENTS) == set(EVENTS_BY_TYPE.values())
    assert all(event_model(e.event_type) is e for e in ALL_EVENTS)
    with pytest.raises(UnknownEventType):
        event_model("se.svu.nobody.nothing.v1")


def test_every_type_carries_its_major_version():
    assert all(re.fullmatch(r"se\.svu\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*", e.event_type) for e in ALL_EVENTS)


def test_events_are_grouped_by_topic_and_kafka_creates_exactly_their_topics():
    # The order a stay passes the producers (architecture §2); ALL_EVENTS keeps each topic's events together.
    assert (
        kafka.ALL_TOPICS
        == TOPICS
        == (
            "svu.admission",
            "svu.admission.identity",
            "svu.planning",
            "svu.discharge",
            "svu.billing",
        )
    )
    topics = [e.topic for e in ALL_EVENTS]
    assert topics == sorted(topics, key=TOPICS.index)
    assert len({(e.topic, e.source) for e in ALL_EVENTS}) == len(TOPICS)  # one producer (source) per topic


def test_a_new_event_type_is_registered_by_defining_its_class():
    class Probe(PlanningEvent):
        event_type: ClassVar[str] = "se.svu.planning.probe.v1"

    try:
        assert event_model("se.svu.planning.probe.v1") is Probe
        assert (Probe.topic, Probe.source) == (CaseOpened.topic, CaseOpened.source)
    finally:
        del EVENTS_BY_TYPE[Probe.event_type]


def test_a_duplicate_type_is_refused_when_its_class_is_defined():
    with pytest.raises(TypeError, match="already"):

        class Again(PlanningEvent):
            event_type: ClassVar[str] = CaseOpened.event_type

    assert EVENTS_BY_TYPE[CaseOpened.event_type] is CaseOpened


def test_an_event_without_its_producers_topic_or_on_anothers_topic_is_refused():
    with pytest.raises(TypeError, match="producer"):

        class Orphan(StayEvent):
            event_type: ClassVar[str] = "se.svu.planning.orphan.v1"

    with pytest.raises(TypeError, match="belongs to"):

        class Impostor(PlanningEvent):
            event_type: ClassVar[str] = "se.svu.planning.impostor.v1"
            source: ClassVar[str] = "/svu/billing"

    assert not {"se.svu.planning.orphan.v1", "se.svu.planning.impostor.v1"} & set(EVENTS_BY_TYPE)
