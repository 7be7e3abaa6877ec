"""Base of every integration event: frozen, versioned by its type, keyed by the stay."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

# An id is bounded by the narrowest column it lands in (every service stores stay ids in String(64)).
ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
ID_MAX_LENGTH = 64
STAY_ID = Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN, description="Vårdtillfälle (stay) id")
# An HSA-id (a ward, a vårdcentral, a care contact's unit): the same alphabet and bound as a stay id.
HSA_ID_MAX_LENGTH = 64
# A case id is composed `<stay id>:<receiver kind>:<receiver id>` (planning's `case_id`); its bound is the longest
# such composition, so a valid stay id and receiver id always make a case id that fits its column.
CASE_ID_MAX_LENGTH = ID_MAX_LENGTH + len(":primary_care:") + HSA_ID_MAX_LENGTH


class UnknownEventType(ValueError):
    """The envelope names a type that no contract defines."""


class IntegrationEvent(BaseModel):
    # Frozen: an event is a fact. extra="ignore": consumers ignore fields added later (architecture §2).
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    topic: ClassVar[str]
    source: ClassVar[str]

    def key(self) -> str:
        """Kafka key and CloudEvents subject: what this event's order is kept by (one partition per key)."""
        raise NotImplementedError


class StayEvent(IntegrationEvent):
    """An event about one stay (vårdtillfälle): keyed by the stay, so its events keep their order."""

    stay_id: str = STAY_ID

    def key(self) -> str:
        return self.stay_id
