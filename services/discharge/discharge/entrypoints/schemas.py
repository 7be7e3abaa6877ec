"""What the discharge API takes and answers (its OpenAPI bodies)."""

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from discharge.domain.information import InformationState
from discharge.domain.timeline import DischargeTimeline
from svu_shared.contracts.discharge import Destination

BACKDATING = "backdated with POST /stays/{stay_id}/discharge-ready/backdating"


class DischargeReadyIn(BaseModel):
    """Underrättelse om utskrivningsklar. Its send time is the server's time of receipt, which starts the payment
    clock (domain §2); a notice sent earlier on paper during an outage is recorded by a reasoned backdating."""

    model_config = ConfigDict(extra="forbid")
    judged_at: AwareDatetime = Field(description="When the physician judged the patient discharge-ready")
    # Not in the document: named here only to refuse it in words (422 at body.sent_at) rather than as an unknown field.
    sent_at: SkipJsonSchema[Any] = Field(None, exclude=True)

    @field_validator("sent_at", mode="before")
    @classmethod
    def _server_time_only(cls, _value: Any) -> None:
        raise ValueError(
            f"sent_at is the server's time of receipt and cannot be set; an earlier paper notice is {BACKDATING}"
        )


class BackdatingIn(BaseModel):
    """Rättelse av sändningstid: the latest period's notice was sent earlier, on paper during an outage."""

    model_config = ConfigDict(extra="forbid")
    sent_at: AwareDatetime = Field(
        description="When the notice was really sent: not after its receipt, not before judged_at, not in the future"
    )
    reason: str = Field(min_length=1, max_length=500, description="Why the notice was sent outside the system")


class WithdrawalIn(BaseModel):
    """Återkallelse av utskrivningsklar."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
    withdrawn_at: AwareDatetime | None = Field(None, description="Defaults to now")


class DischargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    discharged_at: AwareDatetime
    destination: Destination


class EstimateIn(BaseModel):
    """Beräknat utskrivningsdatum."""

    model_config = ConfigDict(extra="forbid")
    estimated_discharge_date: date


class InformationIn(BaseModel):
    """Information vid utskrivning: when each document was sent (the documents stay in the medical record)."""

    model_config = ConfigDict(extra="forbid")
    epicrisis_sent_at: AwareDatetime | None = Field(None, description="Epikris sent")
    medication_list_sent_at: AwareDatetime | None = Field(None, description="Läkemedelslista sent")


class BackdatingOut(BaseModel):
    sent_at: datetime = Field(description="When the notice was really sent: the ready period opens here")
    received_at: datetime = Field(description="The server's receipt time of the notice it corrects")
    reason: str
    corrected_at: datetime


class InformationOut(BaseModel):
    """Information vid utskrivning: due no later than the day of discharge (Europe/Stockholm)."""

    state: InformationState = Field(description="The worse of the two documents' states")
    due_before: datetime | None = Field(description="The first late instant: midnight after the day of discharge")
    epicrisis: InformationState
    medication_list: InformationState


class TimelineOut(BaseModel):
    stay_id: str
    status: str
    ready_since: datetime | None
    ready_received_at: datetime | None = Field(description="Receipt of the notice that opened the latest period")
    backdating: BackdatingOut | None = Field(description="The latest period's notice, backdated with a reason")
    discharged_at: datetime | None
    destination: str | None
    estimated_discharge_date: date | None
    epicrisis_sent_at: datetime | None
    medication_list_sent_at: datetime | None
    information: InformationOut
    withdrawals: int
    municipality: str | None
    wards: list[str]
    interruption_reason: str | None = Field(description="declined_support or died: the SVU process has ended")
    interrupted_at: datetime | None

    @classmethod
    def of(cls, timeline: DischargeTimeline, now: datetime) -> "TimelineOut":
        t = timeline
        backdating = None
        if t.backdated_sent_at and t.ready_received_at and t.backdating_reason and t.backdated_at:
            backdating = BackdatingOut(
                sent_at=t.backdated_sent_at,
                received_at=t.ready_received_at,
                reason=t.backdating_reason,
                corrected_at=t.backdated_at,
            )
        deadline = t.information_deadline(now)
        information = InformationOut(
            state=deadline.state,
            due_before=deadline.due_before,
            epicrisis=deadline.epicrisis,
            medication_list=deadline.medication_list,
        )
        same = {name: getattr(t, name) for name in cls.model_fields if name not in ("backdating", "information")}
        return cls(
            **{**same, "status": str(t.status), "wards": list(t.wards)}, backdating=backdating, information=information
        )
