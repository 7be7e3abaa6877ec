"""Events published by the admission service on topic `svu.admission`."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from svu_shared.contracts.base import HSA_ID_MAX_LENGTH, StayEvent

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
    support_needed_judged_at: AwareDatetime | None = Field(
        None, description="The physician's judgement that support will be needed, when later than admission"
    )
    notice_deadline: AwareDatetime | None = Field(
        None, description="24 h after admission or the later judgement (domain §2); sent_at after it is late"
    )
    primary_care_unit: str | None = Field(
        None, max_length=HSA_ID_MAX_LENGTH, description="HSA-id of the patient's vårdcentral, when known"
    )
    protected_identity: bool = Field(False, description="Skyddad identitet: name and address are never sent")
    patient_name: str | None = Field(None, max_length=200, description="Absent for a protected identity")
    patient_address: str | None = Field(None, max_length=300, description="Absent for a protected identity")


class AdmissionNoticeCorrected(StayEvent):
    """Rättelse: the ward corrected the notice's times or the patient's vårdcentral. The fields are the notice
    as it now stands; the receivers replace what they had (the municipality and patient cannot be corrected:
    a notice to the wrong receiver is cancelled and sent again)."""

    event_type: ClassVar[str] = "se.svu.admission.notice_corrected.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    admitted_at: AwareDatetime
    support_needed_judged_at: AwareDatetime | None = None
    notice_deadline: AwareDatetime
    primary_care_unit: str | None = Field(
        None, max_length=HSA_ID_MAX_LENGTH, description="HSA-id of the patient's vårdcentral, when known"
    )
    reason: str = Field(min_length=1, max_length=500, description="Why the notice was corrected")
    corrected_at: AwareDatetime


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
