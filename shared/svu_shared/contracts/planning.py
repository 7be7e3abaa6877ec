"""Events published by the planning service on topic `svu.planning`.

The planning records (fast vårdkontakt, kartläggning, ställningstagande till SIP, kallelse, SIP, ställningstagande
inför utskrivning) each have a *content* model: what the user enters, which the HTTP API takes as its body and the
event carries unchanged, plus when and by whom it was recorded (`RecordedOnStay`).
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from svu_shared.contracts.base import CASE_ID_MAX_LENGTH, StayEvent

ReceiverKind = Literal["municipality", "primary_care"]
Text = Field(min_length=1, max_length=2000)
Name = Field(min_length=1, max_length=200)
# One item of a list (a need, a goal, a participant): bounded like every string the API takes (ADR 0011).
Item = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PlanningEvent(StayEvent):
    """Published by the planning service, keyed by the stay."""

    topic: ClassVar[str] = "svu.planning"
    source: ClassVar[str] = "/svu/planning"
    topic_summary: ClassVar[str] = (
        "Cases per receiver and the planning of the way home (SIP). Key and subject: the stay id."
    )


class CaseOpened(PlanningEvent):
    """A receiver (municipality or vårdcentral) got a case (ärende) for a stay."""

    event_type: ClassVar[str] = "se.svu.planning.case_opened.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "case_id": "SUS-2025-000123:municipality:1280",
                    "receiver_kind": "municipality",
                    "receiver_id": "1280",
                    "opened_at": "2025-03-01T14:10:01+01:00",
                }
            ]
        }
    )

    case_id: str = Field(min_length=1, max_length=CASE_ID_MAX_LENGTH)
    receiver_kind: ReceiverKind
    receiver_id: str = Field(min_length=1, max_length=64, description="Kommunkod or HSA-id")
    opened_at: AwareDatetime


class CaseClosed(PlanningEvent):
    """A receiver's case ended before discharge: the notice was cancelled, or the patient's vårdcentral changed."""

    event_type: ClassVar[str] = "se.svu.planning.case_closed.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "case_id": "SUS-2025-000123:primary_care:SE2321000016-VCLIMHAMN",
                    "receiver_kind": "primary_care",
                    "receiver_id": "SE2321000016-VCLIMHAMN",
                    "reason": "the patient's vårdcentral changed",
                    "closed_at": "2025-03-02T11:00:01+01:00",
                }
            ]
        }
    )

    case_id: str = Field(min_length=1, max_length=CASE_ID_MAX_LENGTH)
    receiver_kind: ReceiverKind
    receiver_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)
    closed_at: AwareDatetime


class MessageAcknowledged(PlanningEvent):
    """Kvittens: a receiver has read one message (event) of the stay; the sender sees who has read what."""

    event_type: ClassVar[str] = "se.svu.planning.message_acknowledged.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "message_id": "0b6f3f7e-1b1c-4f43-9a57-6f0c8e7d2a11",
                    "case_id": "SUS-2025-000123:municipality:1280",
                    "receiver_kind": "municipality",
                    "receiver_id": "1280",
                    "acknowledged_at": "2025-03-01T15:30:00+01:00",
                }
            ]
        }
    )

    message_id: str = Field(min_length=1, max_length=64, description="The CloudEvents id of the message read")
    case_id: str = Field(min_length=1, max_length=CASE_ID_MAX_LENGTH)
    receiver_kind: ReceiverKind
    receiver_id: str = Field(min_length=1, max_length=64)
    acknowledged_at: AwareDatetime


class CareContactContent(BaseModel):
    """Fast vårdkontakt: the named contact in primary care for the patient."""

    name: str = Name
    care_unit: str = Field(min_length=1, max_length=64, description="HSA-id of the contact's unit")
    phone: str | None = Field(None, max_length=40)


class AssessmentContent(BaseModel):
    """Kartläggning: the patient's needs after discharge, kept current while admitted."""

    summary: str = Text
    needs: list[Item] = Field(default_factory=list, max_length=30, description="Needs, one per item")


class SipDecisionContent(BaseModel):
    """Ställningstagande till SIP: whether a SIP is needed (both region and municipality must act)."""

    sip_needed: StrictBool
    reason: str | None = Field(None, max_length=2000)


class SipInvitationContent(BaseModel):
    """Kallelse till SIP, sent by the named care contact."""

    meeting_at: AwareDatetime
    invitees: list[Item] = Field(min_length=1, max_length=30)


class SipAction(BaseModel):
    what: str = Text
    who: str = Name
    by: date = Field(description="Done by this day")


class SipContent(BaseModel):
    """The SIP (samordnad individuell plan) as agreed at the meeting."""

    participants: list[Item] = Field(min_length=1, max_length=30)
    goals: list[Item] = Field(min_length=1, max_length=30)
    actions: list[SipAction] = Field(min_length=1, max_length=100)
    patient_consent: StrictBool = Field(description="The patient consents to the SIP (it cannot be made without)")
    patient_participated: StrictBool


class ReceivingDecisionContent(BaseModel):
    """Ställningstagande inför utskrivning: can the municipality receive the patient, and from when."""

    can_receive: StrictBool
    from_date: date | None = Field(None, description="Required when can_receive")
    comment: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _from_date_when_receiving(self) -> "ReceivingDecisionContent":
        if self.can_receive and self.from_date is None:
            raise ValueError("from_date is required when can_receive is true")
        return self


class RecordedOnStay(PlanningEvent):
    recorded_at: AwareDatetime
    recorded_by: str | None = Field(None, max_length=64, description="Organisation (kommunkod or HSA-id)")


class CareContactAssigned(RecordedOnStay, CareContactContent):
    event_type: ClassVar[str] = "se.svu.planning.care_contact_assigned.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "name": "Karin Lind, distriktssköterska",
                    "care_unit": "SE2321000016-VCLIMHAMN",
                    "phone": "040-123 45",
                    "recorded_at": "2025-03-02T08:15:00+01:00",
                    "recorded_by": "SE2321000016-VCLIMHAMN",
                }
            ]
        }
    )


class AssessmentRecorded(RecordedOnStay, AssessmentContent):
    event_type: ClassVar[str] = "se.svu.planning.assessment_recorded.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "summary": "Needs help with medication and showering; lives alone.",
                    "needs": ["hemtjänst: dusch", "läkemedelshantering"],
                    "recorded_at": "2025-03-02T13:00:00+01:00",
                    "recorded_by": "SE2321000016-MEDAVD3",
                }
            ]
        }
    )


class SipDecided(RecordedOnStay, SipDecisionContent):
    event_type: ClassVar[str] = "se.svu.planning.sip_decided.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "sip_needed": True,
                    "reason": "home care and primary care must both act",
                    "recorded_at": "2025-03-02T14:00:00+01:00",
                    "recorded_by": "SE2321000016-VCLIMHAMN",
                }
            ]
        }
    )


class SipInvitationSent(RecordedOnStay, SipInvitationContent):
    event_type: ClassVar[str] = "se.svu.planning.sip_invitation_sent.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "meeting_at": "2025-03-05T10:00:00+01:00",
                    "invitees": ["the patient", "1280 SVU-team", "SE2321000016-MEDAVD3"],
                    "recorded_at": "2025-03-03T11:00:00+01:00",
                    "recorded_by": "SE2321000016-VCLIMHAMN",
                }
            ]
        }
    )


class SipAgreed(RecordedOnStay, SipContent):
    event_type: ClassVar[str] = "se.svu.planning.sip_agreed.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "participants": ["the patient", "daughter", "1280 SVU-team", "Karin Lind"],
                    "goals": ["manage at home with support"],
                    "actions": [{"what": "hemtjänst morning and evening", "who": "1280 hemtjänst", "by": "2025-03-06"}],
                    "patient_consent": True,
                    "patient_participated": True,
                    "recorded_at": "2025-03-05T11:00:00+01:00",
                    "recorded_by": "SE2321000016-VCLIMHAMN",
                }
            ]
        }
    )


class ReceivingDecided(RecordedOnStay, ReceivingDecisionContent):
    event_type: ClassVar[str] = "se.svu.planning.receiving_decided.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "can_receive": True,
                    "from_date": "2025-03-06",
                    "comment": None,
                    "recorded_at": "2025-03-05T12:00:00+01:00",
                    "recorded_by": "1280",
                }
            ]
        }
    )
