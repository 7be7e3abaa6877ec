"""What the discharge API takes and answers (its OpenAPI bodies)."""

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from discharge.domain.timeline import DischargeTimeline
from svu_shared.contracts.discharge import Destination


class DischargeReadyIn(BaseModel):
    """Underrättelse om utskrivningsklar."""

    model_config = ConfigDict(extra="forbid")
    judged_at: AwareDatetime = Field(description="When the physician judged the patient discharge-ready")
    sent_at: AwareDatetime | None = Field(None, description="Defaults to now; starts the payment clock")


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


class TimelineOut(BaseModel):
    stay_id: str
    status: str
    ready_since: datetime | None
    discharged_at: datetime | None
    destination: str | None
    estimated_discharge_date: date | None
    epicrisis_sent_at: datetime | None
    medication_list_sent_at: datetime | None
    withdrawals: int
    municipality: str | None
    wards: list[str]

    @classmethod
    def of(cls, timeline: DischargeTimeline) -> "TimelineOut":
        return cls(**{**timeline.__dict__, "status": str(timeline.status), "wards": list(timeline.wards)})
