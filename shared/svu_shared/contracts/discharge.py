"""Events published by the discharge service on topic `svu.discharge`."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from svu_shared.contracts.base import StayEvent

TOPIC = "svu.discharge"
SOURCE = "/svu/discharge"

Destination = Literal["home", "special_housing", "short_term_place", "other_region", "deceased"]


class DischargeReadyNotified(StayEvent):
    """Underrättelse om utskrivningsklar: its send time starts the payment clock (domain §2)."""

    event_type: ClassVar[str] = "se.svu.discharge.ready_notified.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    judged_at: AwareDatetime = Field(description="When the physician judged the patient discharge-ready")
    sent_at: AwareDatetime = Field(description="When the notice was sent; ready periods open here")


class DischargeReadyWithdrawn(StayEvent):
    """Återkallad utskrivningsklar: the patient's condition changed; the ready period closes."""

    event_type: ClassVar[str] = "se.svu.discharge.ready_withdrawn.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    withdrawn_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=500)


class PatientDischarged(StayEvent):
    """Utskriven: the stay ends, with the patient's destination."""

    event_type: ClassVar[str] = "se.svu.discharge.patient_discharged.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    discharged_at: AwareDatetime
    destination: Destination


class EstimatedDischargeDateChanged(StayEvent):
    """Beräknat utskrivningsdatum: the ward's estimate moved; receivers plan against it (domain §2)."""

    event_type: ClassVar[str] = "se.svu.discharge.estimated_date_changed.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    estimated_discharge_date: date
    changed_at: AwareDatetime


class DischargeInformationSent(StayEvent):
    """Information vid utskrivning: which documents went to the receivers and when (flags and times only;
    the documents themselves stay in the medical record). Due no later than the day of discharge."""

    event_type: ClassVar[str] = "se.svu.discharge.information_sent.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    epicrisis_sent_at: AwareDatetime | None = Field(None, description="Epikris sent")
    medication_list_sent_at: AwareDatetime | None = Field(None, description="Läkemedelslista sent")
