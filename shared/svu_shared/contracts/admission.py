"""Events published by the admission service: the notice and what happens to it on topic `svu.admission`, which
planning, discharge and billing read; the patient's identity on `svu.admission.identity`, which planning alone reads
(Patientdatalagen, GDPR art. 5.1 c; ADR 0028)."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field
from pydantic.config import JsonDict

from svu_shared.contracts.base import HsaId, StayEvent

CareType = Literal["somatic", "psychiatric"]


class AdmissionEvent(StayEvent):
    """Published by the admission service, keyed by the stay."""

    topic: ClassVar[str] = "svu.admission"
    source: ClassVar[str] = "/svu/admission"
    topic_summary: ClassVar[str] = (
        "Admission notices (inskrivningsmeddelanden) from wards. Key and subject: the stay id."
    )


NOTICE_EXAMPLE: JsonDict = {
    "stay_id": "SUS-2025-000123",
    "municipality": "1280",
    "care_unit": "SE2321000016-MEDAVD3",
    "care_type": "somatic",
    "admitted_at": "2025-03-01T10:00:00+01:00",
    "sent_at": "2025-03-01T14:10:00+01:00",
    "estimated_discharge_date": "2025-03-06",
    "notice_deadline": "2025-03-02T10:00:00+01:00",
    "primary_care_unit": "SE2321000016-VCLIMHAMN",
}


class AdmissionNoticeFields(AdmissionEvent):
    """What every version of the notice says about the admission (no event type of its own: not an event)."""

    municipality: str = Field(pattern=r"^\d{4}$", description="Kommunkod (SCB) where the patient is folkbokförd")
    care_unit: HsaId = Field(description="HSA-id of the admitting ward")
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
    primary_care_unit: HsaId | None = Field(None, description="HSA-id of the patient's vårdcentral, when known")


class AdmissionNoticeSent(AdmissionNoticeFields):
    """Inskrivningsmeddelande, first version: the notice with the patient's identity. No longer published (ADR 0028):
    superseded by `se.svu.admission.notice_sent.v2` and `se.svu.admission.patient_identified.v1`; consumers still
    accept it, as the topic may hold it."""

    event_type: ClassVar[str] = "se.svu.admission.notice_sent.v1"
    superseded_by: ClassVar[str | None] = "se.svu.admission.notice_sent.v2"
    model_config = ConfigDict(
        json_schema_extra={
            "deprecated": True,
            "examples": [{**NOTICE_EXAMPLE, "patient_id": "191212121212"}],
        }
    )

    patient_id: str = Field(pattern=r"^\d{12}$", description="Personnummer or samordningsnummer, 12 digits")
    protected_identity: bool = Field(False, description="Skyddad identitet: name and address are never sent")
    patient_name: str | None = Field(None, max_length=200, description="Absent for a protected identity")
    patient_address: str | None = Field(None, max_length=300, description="Absent for a protected identity")


class AdmissionNoticeSentV2(AdmissionNoticeFields):
    """Inskrivningsmeddelande: the ward told the home municipality and primary care of an admission. The patient's
    identity is not in it: it travels as `se.svu.admission.patient_identified.v1` on its own topic, to planning alone,
    committed with this notice (ADR 0028)."""

    event_type: ClassVar[str] = "se.svu.admission.notice_sent.v2"
    model_config = ConfigDict(json_schema_extra={"examples": [NOTICE_EXAMPLE]})


class AdmissionNoticeCorrected(AdmissionEvent):
    """Rättelse: the ward corrected the notice's times or the patient's vårdcentral. The fields are the notice
    as it now stands; the receivers replace what they had (the municipality and patient cannot be corrected:
    a notice to the wrong receiver is cancelled and sent again)."""

    event_type: ClassVar[str] = "se.svu.admission.notice_corrected.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "admitted_at": "2025-03-01T10:00:00+01:00",
                    "support_needed_judged_at": "2025-03-02T09:00:00+01:00",
                    "notice_deadline": "2025-03-03T09:00:00+01:00",
                    "primary_care_unit": "SE2321000016-VCLIMHAMN",
                    "reason": "the physician's judgement was the day after admission",
                    "corrected_at": "2025-03-02T11:00:00+01:00",
                }
            ]
        }
    )

    admitted_at: AwareDatetime
    support_needed_judged_at: AwareDatetime | None = None
    notice_deadline: AwareDatetime
    primary_care_unit: HsaId | None = Field(None, description="HSA-id of the patient's vårdcentral, when known")
    reason: str = Field(min_length=1, max_length=500, description="Why the notice was corrected")
    corrected_at: AwareDatetime


class AdmissionNoticeCancelled(AdmissionEvent):
    """Makulering: the ward withdrew the notice as sent in error; the stay's SVU process ends here."""

    event_type: ClassVar[str] = "se.svu.admission.notice_cancelled.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "reason": "sent for the wrong patient",
                    "cancelled_at": "2025-03-01T15:02:00+01:00",
                }
            ]
        }
    )

    reason: str = Field(min_length=1, max_length=500, description="Why the notice was cancelled")
    cancelled_at: AwareDatetime


class PatientTransferred(AdmissionEvent):
    """The patient moved to another ward of the region: the same stay and the same cases (domain §2)."""

    event_type: ClassVar[str] = "se.svu.admission.patient_transferred.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "from_care_unit": "SE2321000016-MEDAVD3",
                    "to_care_unit": "SE2321000016-GERIATRIK1",
                    "transferred_at": "2025-03-03T09:30:00+01:00",
                }
            ]
        }
    )

    from_care_unit: HsaId = Field(description="HSA-id of the ward left")
    to_care_unit: HsaId = Field(description="HSA-id of the receiving ward")
    transferred_at: AwareDatetime


InterruptionReason = Literal["declined_support", "moved_municipality", "died"]


class ProcessInterrupted(AdmissionEvent):
    """Avbrott i processen: the patient declines support, moves to another municipality (folkbokföring), or dies
    before discharge. The receivers' cases close; on a move the new home municipality gets a case (domain §2)."""

    event_type: ClassVar[str] = "se.svu.admission.process_interrupted.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "reason": "moved_municipality",
                    "note": "Folkbokförd i Lund sedan 1 mars",
                    "new_municipality": "1281",
                    "interrupted_at": "2025-03-04T10:15:00+01:00",
                }
            ]
        }
    )

    reason: InterruptionReason
    note: str = Field(min_length=1, max_length=500, description="What happened, in the ward's words")
    new_municipality: str | None = Field(
        None, pattern=r"^\d{4}$", description="Kommunkod of the new home municipality; only on moved_municipality"
    )
    interrupted_at: AwareDatetime


class AdmissionIdentityEvent(StayEvent):
    """The patient's identity, published by the admission service for the receivers that must identify the patient
    (planning, and through it the municipality and the vårdcentral); keyed by the stay (ADR 0028)."""

    topic: ClassVar[str] = "svu.admission.identity"
    source: ClassVar[str] = "/svu/admission"
    topic_summary: ClassVar[str] = (
        "The patient of each admission notice: personnummer, name and address. Read by planning alone (ADR 0028). "
        "Key and subject: the stay id."
    )


class PatientIdentified(AdmissionIdentityEvent):
    """Who the patient of the stay is, as the admission service has it now: published with the admission notice in
    the same transaction, and again whenever one of these fields changes. The receiver replaces what it had. No
    order holds between this topic and `svu.admission`: it may arrive before its notice or after it."""

    event_type: ClassVar[str] = "se.svu.admission.patient_identified.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "patient_id": "191212121212",
                    "protected_identity": False,
                    "patient_name": "Tolvan Tolvansson",
                    "patient_address": "Storgatan 1, 211 22 Malmö",
                    "identified_at": "2025-03-01T14:10:00+01:00",
                },
                {
                    "stay_id": "SUS-2025-000124",
                    "patient_id": "191010101010",
                    "protected_identity": True,
                    "identified_at": "2025-03-01T15:00:00+01:00",
                },
            ]
        }
    )

    patient_id: str = Field(pattern=r"^\d{12}$", description="Personnummer or samordningsnummer, 12 digits")
    protected_identity: bool = Field(False, description="Skyddad identitet: name and address are never sent")
    patient_name: str | None = Field(None, max_length=200, description="Absent for a protected identity")
    patient_address: str | None = Field(None, max_length=300, description="Absent for a protected identity")
    identified_at: AwareDatetime = Field(description="When the admission service recorded this identity")
