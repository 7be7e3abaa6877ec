"""Base of every integration event: frozen, versioned by its type, keyed by the stay."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

STAY_ID = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$", description="Vårdtillfälle (stay) id")


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
