"""Events published by the planning service on topic `svu.planning`."""

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from svu_shared.contracts.base import StayEvent

TOPIC = "svu.planning"
SOURCE = "/svu/planning"


class CaseOpened(StayEvent):
    """A receiver (municipality or vårdcentral) got a case (ärende) for a stay."""

    event_type: ClassVar[str] = "se.svu.planning.case_opened.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    case_id: str = Field(min_length=1, max_length=80)
    receiver_kind: Literal["municipality", "primary_care"]
    receiver_id: str = Field(min_length=1, max_length=64, description="Kommunkod or HSA-id")
    opened_at: AwareDatetime
