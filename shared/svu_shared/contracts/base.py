"""Base of every integration event: frozen, versioned by its type, keyed by the stay; and the registry of event types.

Each producing service's module has one base class that sets its topic, source and topic summary once; each event
subclasses it and sets only its `event_type` and its example(s) (architecture §2: one module per producing service).
Defining the class registers it: there is no list of event types to keep by hand.
"""

from typing import Annotated, Any, ClassVar, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from svu_shared.identifiers import HSA_ID_PATTERN, checked_stay_id

# An id is bounded by the narrowest column it lands in (every service stores stay ids in String(64)).
ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
ID_MAX_LENGTH = 64
STAY_ID = Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN, description="Vårdtillfälle (stay) id")
# An HSA-id (a ward, a vårdcentral, a care contact's unit): the same alphabet and bound as a stay id, so one value
# is one unit (svu_shared.identifiers, ADR 0027). Every unit field of every event is an `HsaId`.
HSA_ID_MAX_LENGTH = 64
HsaId = Annotated[str, StringConstraints(min_length=1, max_length=HSA_ID_MAX_LENGTH, pattern=HSA_ID_PATTERN)]
# A case id is composed `<stay id>:<receiver kind>:<receiver id>` (planning's `case_id`); its bound is the longest
# such composition, so a valid stay id and receiver id always make a case id that fits its column.
CASE_ID_MAX_LENGTH = ID_MAX_LENGTH + len(":primary_care:") + HSA_ID_MAX_LENGTH


class UnknownEventType(ValueError):
    """The envelope names a type that no contract defines."""


# Every event type by its CloudEvents `type`, in the order the classes were defined: filled by the classes themselves.
EVENTS_BY_TYPE: dict[str, type["IntegrationEvent"]] = {}

# What a producer's base class sets once for all its events (the topic's AsyncAPI channel is described from them).
_PRODUCER_ATTRIBUTES = ("topic", "source", "topic_summary", "key_description")


class IntegrationEvent(BaseModel):
    # Frozen: an event is a fact. extra="ignore": consumers ignore fields added later (architecture §2).
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]  # set by each concrete event; carries the major version (architecture §2)
    topic: ClassVar[str]
    source: ClassVar[str]
    topic_summary: ClassVar[str]  # the AsyncAPI channel's description
    key_description: ClassVar[str]  # what key() returns, for the schema's `subject` and the Kafka key binding
    # A type a breaking change replaced (architecture §2): no longer published, still accepted by its consumers.
    superseded_by: ClassVar[str | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # Called once pydantic has built the class; a class that names its own event_type is a concrete event.
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            _register(cls)

    def key(self) -> str:
        """Kafka key and CloudEvents subject: what this event's order is kept by (one partition per key)."""
        raise NotImplementedError


class StayEvent(IntegrationEvent):
    """An event about one stay (vårdtillfälle): keyed by the stay, so its events keep their order."""

    key_description: ClassVar[str] = "The stay id (also the Kafka key)"

    stay_id: str = STAY_ID

    # Not in the schema's pattern (JSON Schema's regex cannot say it): a stay id that looks like a personnummer is
    # refused by every producer and consumer alike (ADR 0027).
    @field_validator("stay_id")
    @classmethod
    def _no_personnummer(cls, value: str) -> str:
        return checked_stay_id(value)

    def key(self) -> str:
        return self.stay_id


def _register(event: type[IntegrationEvent]) -> None:
    # Refused at import, so a mistake fails every service's start and the contract tests rather than one consumer.
    missing = [name for name in _PRODUCER_ATTRIBUTES if not hasattr(event, name)]
    if missing:
        raise TypeError(f"{event.__name__} lacks {missing}: subclass its producer's base class")
    if (other := EVENTS_BY_TYPE.get(event.event_type)) is not None:
        raise TypeError(f"{event.__name__}: event type {event.event_type!r} is already {other.__qualname__}'s")
    for other in EVENTS_BY_TYPE.values():
        # One producer per topic: the source is the topic's owner, which consumers check (svu_shared.inbox).
        if other.topic == event.topic and (other.source, other.topic_summary) != (event.source, event.topic_summary):
            raise TypeError(f"{event.__name__}: topic {event.topic} belongs to {other.source}, not {event.source}")
    EVENTS_BY_TYPE[event.event_type] = event


def registered_events() -> tuple[type[IntegrationEvent], ...]:
    """Every registered event type, grouped by topic in the order the topics were first registered, then by
    definition order within a topic."""
    events = list(EVENTS_BY_TYPE.values())
    topics = list(dict.fromkeys(e.topic for e in events))
    return tuple(sorted(events, key=lambda e: topics.index(e.topic)))


def event_model(event_type: str) -> type[IntegrationEvent]:
    try:
        return EVENTS_BY_TYPE[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def examples_of(event: type[IntegrationEvent]) -> list[dict[str, Any]]:
    """The event's data examples, as its model_config publishes them in its JSON Schema."""
    extra = event.model_config.get("json_schema_extra")
    examples = extra.get("examples", []) if isinstance(extra, dict) else []
    return cast(list[dict[str, Any]], list(examples) if isinstance(examples, list) else [])
