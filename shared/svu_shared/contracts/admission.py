"""Events published by the admission service on topic `svu.admission`."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from svu_shared.contracts.base import StayEvent

TOPIC = "svu.admission"
SOURCE = "/svu/admission"

CareType = Literal["somatic", "psychiatric"]


class AdmissionNoticeSent(StayEvent):
    """Inskrivningsmeddelande: the ward told the home municipality and primary care of an admission."""

    event_type: ClassVar[str] = "se.svu.admission.notice_sent.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    patient_id: str = Field(pattern=r"^\d{12}$", description="Personnummer or samordningsnummer, 12 digits")
    municipality: str = Field(pattern=r"^\d{4}$", description="Kommunkod (SCB) where the patient is folkbokförd")
    care_unit: str = Field(min_length=1, max_length=64, description="HSA-id of the admitting ward")
    care_type: CareType = "somatic"
    admitted_at: AwareDatetime
    sent_at: AwareDatetime
    estimated_discharge_date: date | None = None


class AdmissionNoticeCancelled(StayEvent):
    """Makulering: the ward withdrew the notice as sent in error; the stay's SVU process ends here."""

    event_type: ClassVar[str] = "se.svu.admission.notice_cancelled.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    reason: str = Field(min_length=1, max_length=500, description="Why the notice was cancelled")
    cancelled_at: AwareDatetime


class PatientTransferred(StayEvent):
    """The patient moved to another ward of the region: the same stay and the same cases (domain §2)."""

    event_type: ClassVar[str] = "se.svu.admission.patient_transferred.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    from_care_unit: str = Field(min_length=1, max_length=64, description="HSA-id of the ward left")
    to_care_unit: str = Field(min_length=1, max_length=64, description="HSA-id of the receiving ward")
    transferred_at: AwareDatetime
