"""Events published by the planning service on topic `svu.planning`.

The planning records (fast vårdkontakt, kartläggning, ställningstagande till SIP, kallelse, SIP, ställningstagande
inför utskrivning) each have a *content* model: what the user enters, which the HTTP API takes as its body and the
event carries unchanged, plus when and by whom it was recorded (`RecordedOnStay`).
"""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, Field, StrictBool, StringConstraints, model_validator

from svu_shared.contracts.base import CASE_ID_MAX_LENGTH, StayEvent

TOPIC = "svu.planning"
SOURCE = "/svu/planning"

ReceiverKind = Literal["municipality", "primary_care"]
Text = Field(min_length=1, max_length=2000)
Name = Field(min_length=1, max_length=200)
# One item of a list (a need, a goal, a participant): bounded like every string the API takes (issue 5 §6).
Item = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class CaseOpened(StayEvent):
    """A receiver (municipality or vårdcentral) got a case (ärende) for a stay."""

    event_type: ClassVar[str] = "se.svu.planning.case_opened.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    case_id: str = Field(min_length=1, max_length=CASE_ID_MAX_LENGTH)
    receiver_kind: ReceiverKind
    receiver_id: str = Field(min_length=1, max_length=64, description="Kommunkod or HSA-id")
    opened_at: AwareDatetime


class CaseClosed(StayEvent):
    """A receiver's case ended before discharge: the notice was cancelled, or the patient's vårdcentral changed."""

    event_type: ClassVar[str] = "se.svu.planning.case_closed.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    case_id: str = Field(min_length=1, max_length=CASE_ID_MAX_LENGTH)
    receiver_kind: ReceiverKind
    receiver_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)
    closed_at: AwareDatetime


class MessageAcknowledged(StayEvent):
    """Kvittens: a receiver has read one message (event) of the stay; the sender sees who has read what."""

    event_type: ClassVar[str] = "se.svu.planning.message_acknowledged.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

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


class RecordedOnStay(StayEvent):
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    recorded_at: AwareDatetime
    recorded_by: str | None = Field(None, max_length=64, description="Organisation (kommunkod or HSA-id)")


class CareContactAssigned(RecordedOnStay, CareContactContent):
    event_type: ClassVar[str] = "se.svu.planning.care_contact_assigned.v1"


class AssessmentRecorded(RecordedOnStay, AssessmentContent):
    event_type: ClassVar[str] = "se.svu.planning.assessment_recorded.v1"


class SipDecided(RecordedOnStay, SipDecisionContent):
    event_type: ClassVar[str] = "se.svu.planning.sip_decided.v1"


class SipInvitationSent(RecordedOnStay, SipInvitationContent):
    event_type: ClassVar[str] = "se.svu.planning.sip_invitation_sent.v1"


class SipAgreed(RecordedOnStay, SipContent):
    event_type: ClassVar[str] = "se.svu.planning.sip_agreed.v1"


class ReceivingDecided(RecordedOnStay, ReceivingDecisionContent):
    event_type: ClassVar[str] = "se.svu.planning.receiving_decided.v1"
