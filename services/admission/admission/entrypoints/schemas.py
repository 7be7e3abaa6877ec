"""What the admission API takes and answers (its OpenAPI bodies)."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

from admission.domain.identity import InvalidPatientId, validate_patient_id
from svu_shared.contracts.admission import CareType, InterruptionReason
from svu_shared.deps import HsaId, Kommunkod, StayId


def _patient_id(value: str) -> str:
    try:
        return validate_patient_id(value)
    except InvalidPatientId as exc:
        raise ValueError(str(exc)) from None


# Personnummer or samordningsnummer: 12 digits, a calendar date (samordningsnummer: day + 60), the Luhn check digit.
PatientId = Annotated[str, AfterValidator(_patient_id)]


class AdmissionNoticeIn(BaseModel):
    """Inskrivningsmeddelande as the ward posts it."""

    model_config = ConfigDict(extra="forbid")

    stay_id: StayId | None = Field(None, description="Vårdtillfälle id; generated when absent")
    patient_id: PatientId = Field(description="Personnummer or samordningsnummer, 12 digits", examples=["191212121212"])
    municipality: Kommunkod = Field(
        pattern=r"^\d{4}$", description="Kommunkod (one of SCB's 290) where the patient is folkbokförd"
    )
    care_unit: HsaId = Field(description="HSA-id of the ward")
    care_type: CareType = "somatic"
    admitted_at: AwareDatetime
    support_needed_judged_at: AwareDatetime | None = Field(
        None, description="When the physician judged that support will be needed, if later than admission"
    )
    estimated_discharge_date: date | None = None
    primary_care_unit: HsaId | None = Field(None, description="HSA-id of the patient's vårdcentral, when known")
    patient_name: str | None = Field(None, min_length=1, max_length=200)
    patient_address: str | None = Field(None, min_length=1, max_length=300)
    protected_identity: StrictBool = Field(
        False, description="Skyddad identitet: name and address stay in this service, shown to the wards only"
    )


class CorrectionIn(BaseModel):
    """Rättelse: only the fields present change (null clears an optional one)."""

    model_config = ConfigDict(extra="forbid")
    admitted_at: AwareDatetime | None = None
    support_needed_judged_at: AwareDatetime | None = None
    primary_care_unit: HsaId | None = None
    reason: str = Field(min_length=1, max_length=500, description="Why the notice is corrected")


class CancellationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, description="Why the notice is cancelled (makulerad)")


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_care_unit: HsaId = Field(description="HSA-id of the receiving ward: one unit, no list")
    transferred_at: AwareDatetime | None = Field(None, description="When the patient moved; now when absent")


class InterruptionIn(BaseModel):
    """Avbrott i processen: the patient declines support, moves to another municipality, or dies before discharge."""

    model_config = ConfigDict(extra="forbid")
    reason: InterruptionReason
    note: str = Field(min_length=1, max_length=500, description="What happened (and when), in the ward's words")
    new_municipality: Kommunkod | None = Field(
        None, description="Kommunkod (one of SCB's 290, four digits) of the new home municipality: with moved only"
    )


class StaySearchIn(BaseModel):
    """A ward finds its stays of a patient: the id travels in the body, never in a URL (ADR 0015)."""

    model_config = ConfigDict(extra="forbid")
    patient_id: PatientId = Field(description="Personnummer or samordningsnummer, 12 digits", examples=["191212121212"])


class StayOut(BaseModel):
    stay_id: str
    patient_id: str
    municipality: str
    care_unit: str
    care_type: str
    admitted_at: datetime
    support_needed_judged_at: datetime | None
    estimated_discharge_date: date | None
    notice_sent_at: datetime
    notice_deadline: datetime
    notice_on_time: bool
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    primary_care_unit: str | None = None
    corrected_at: datetime | None = None
    protected_identity: bool = False
    patient_name: str | None = None
    patient_address: str | None = None
    interruption_reason: InterruptionReason | None = None
    interruption_note: str | None = None
    interrupted_at: datetime | None = None
    former_municipality: str | None = Field(None, description="The municipality the patient moved from, if any")
    process_ended: bool = Field(False, description="Cancelled, or interrupted by declined support or death")


class StayPage(BaseModel):
    items: list[StayOut]
    total: int
    limit: int
    offset: int
