"""CloudEvents 1.0 envelope, structured JSON mode (cloudevents/spec, Kafka protocol binding).

`id` is the consumers' dedup key, `type` carries the major version, `subject` and the Kafka key
are the stay id so that one stay's events keep their order in one partition.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from svu_shared.contracts.base import ID_MAX_LENGTH, ID_PATTERN, IntegrationEvent

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"


class CloudEvent(BaseModel):
    # Consumers ignore unknown attributes (extensions), per the evolution rule of architecture §2.
    model_config = ConfigDict(frozen=True, extra="allow")

    # Each attribute is bounded by the column it lands in (the inbox's event_id and event_type, the planning
    # messages' source, every table's stay id), so no producer can send what a consumer cannot store.
    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)
    source: str = Field(min_length=1, max_length=100)
    type: str = Field(min_length=1, max_length=100)
    subject: str = Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: IntegrationEvent, source: str) -> CloudEvent:
        return cls(
            id=str(uuid.uuid4()),
            source=source,
            type=event.event_type,
            subject=event.key(),
            time=datetime.now(UTC),
            data=event.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> CloudEvent:
        return cls.model_validate_json(raw)
