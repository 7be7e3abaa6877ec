"""Events published by the discharge service on topic `svu.discharge`."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from svu_shared.contracts.base import StayEvent

Destination = Literal["home", "special_housing", "short_term_place", "other_region", "deceased"]


class DischargeEvent(StayEvent):
    """Published by the discharge service, keyed by the stay."""

    topic: ClassVar[str] = "svu.discharge"
    source: ClassVar[str] = "/svu/discharge"
    topic_summary: ClassVar[str] = (
        "Discharge-ready notices, withdrawals and discharges from wards. Key and subject: the stay id."
    )


class DischargeReadyNotified(DischargeEvent):
    """Underrättelse om utskrivningsklar: its send time starts the payment clock (domain §2)."""

    event_type: ClassVar[str] = "se.svu.discharge.ready_notified.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "judged_at": "2025-03-03T08:40:00+01:00",
                    "sent_at": "2025-03-03T09:00:00+01:00",
                }
            ]
        }
    )

    judged_at: AwareDatetime = Field(description="When the physician judged the patient discharge-ready")
    sent_at: AwareDatetime = Field(description="When the notice was sent; ready periods open here")


class DischargeReadyWithdrawn(DischargeEvent):
    """Återkallad utskrivningsklar: the patient's condition changed; the ready period closes."""

    event_type: ClassVar[str] = "se.svu.discharge.ready_withdrawn.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"stay_id": "SUS-2025-000123", "withdrawn_at": "2025-03-04T08:00:00+01:00", "reason": "feber"}]
        }
    )

    withdrawn_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=500)


class EstimatedDischargeDateChanged(DischargeEvent):
    """Beräknat utskrivningsdatum: the ward's estimate moved; receivers plan against it (domain §2)."""

    event_type: ClassVar[str] = "se.svu.discharge.estimated_date_changed.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "estimated_discharge_date": "2025-03-07",
                    "changed_at": "2025-03-03T09:05:00+01:00",
                }
            ]
        }
    )

    estimated_discharge_date: date
    changed_at: AwareDatetime


class DischargeInformationSent(DischargeEvent):
    """Information vid utskrivning: which documents went to the receivers and when (flags and times only;
    the documents themselves stay in the medical record). Due no later than the day of discharge."""

    event_type: ClassVar[str] = "se.svu.discharge.information_sent.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "epicrisis_sent_at": "2025-03-05T14:00:00+01:00",
                    "medication_list_sent_at": "2025-03-05T14:00:00+01:00",
                }
            ]
        }
    )

    epicrisis_sent_at: AwareDatetime | None = Field(None, description="Epikris sent")
    medication_list_sent_at: AwareDatetime | None = Field(None, description="Läkemedelslista sent")


class PatientDischarged(DischargeEvent):
    """Utskriven: the stay ends, with the patient's destination."""

    event_type: ClassVar[str] = "se.svu.discharge.patient_discharged.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"stay_id": "SUS-2025-000123", "discharged_at": "2025-03-05T15:00:00+01:00", "destination": "home"}
            ]
        }
    )

    discharged_at: AwareDatetime
    destination: Destination


class DischargeReadyBackdated(DischargeEvent):
    """Rättelse av sändningstid: the ward sent the discharge-ready notice earlier on paper (an outage) and records
    that earlier time with a reason. Every party sees it, and billing counts from it and marks it on the underlag
    (the notice's own `sent_at` is always the server's time of receipt, domain §2)."""

    event_type: ClassVar[str] = "se.svu.discharge.ready_backdated.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "sent_at": "2025-03-03T09:00:00+01:00",
                    "received_at": "2025-03-03T13:20:00+01:00",
                    "reason": "Journalsystemet låg nere; underrättelsen faxades 09:00",
                    "corrected_at": "2025-03-03T13:25:00+01:00",
                }
            ]
        }
    )

    sent_at: AwareDatetime = Field(description="When the notice was really sent (on paper): the payment clock's start")
    received_at: AwareDatetime = Field(description="The server's receipt time of the notice this corrects")
    reason: str = Field(min_length=1, max_length=500)
    corrected_at: AwareDatetime
