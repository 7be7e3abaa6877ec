"""Planning records (domain §2): what a party enters (each *content* model, which the HTTP API takes as its body and
the event carries unchanged) and the event that publishes it with when and by whom it was recorded. Part of the
planning service's contract (`svu_shared.contracts.planning`, which re-exports these names)."""

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, model_validator

from svu_shared.contracts.base import HsaId
from svu_shared.contracts.planning import Item, Name, PlanningEvent, ReceiverKind, Text


class CareContactContent(BaseModel):
    """Fast vårdkontakt: the named contact in primary care for the patient."""

    name: str = Name
    care_unit: HsaId = Field(description="HSA-id of the contact's unit")
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
    relatives: list[Item] = Field(
        default_factory=list, max_length=10, description="Närstående taking part, with the patient's consent"
    )
    follow_up_date: date | None = Field(None, description="When the SIP is followed up (uppföljning)")


class PlanningInputContent(BaseModel):
    """Planeringsunderlag: what the municipality or the vårdcentral knows for the planning (current support, what it
    proposes), shown next to the ward's kartläggning; one record per receiver kind, kept current while admitted."""

    summary: str = Text
    current_support: list[Item] = Field(
        default_factory=list, max_length=30, description="Support and contacts the patient has today"
    )
    proposals: list[Item] = Field(default_factory=list, max_length=30, description="What the receiver proposes")


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
    recorded_by: HsaId | None = Field(None, description="Organisation (kommunkod or HSA-id)")


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
                    "relatives": ["dottern Eva Lind"],
                    "follow_up_date": "2025-03-20",
                    "recorded_at": "2025-03-05T11:00:00+01:00",
                    "recorded_by": "SE2321000016-VCLIMHAMN",
                }
            ]
        }
    )


class PlanningInputRecorded(RecordedOnStay, PlanningInputContent):
    event_type: ClassVar[str] = "se.svu.planning.planning_input_recorded.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "receiver_kind": "municipality",
                    "summary": "Har hemtjänst två gånger i veckan (städ, inköp); bor i lägenhet med hiss.",
                    "current_support": ["hemtjänst: städ och inköp", "trygghetslarm"],
                    "proposals": ["utökad hemtjänst morgon och kväll"],
                    "recorded_at": "2025-03-02T15:00:00+01:00",
                    "recorded_by": "1280",
                }
            ]
        }
    )

    receiver_kind: ReceiverKind = Field(description="Whose planeringsunderlag: the municipality's or the vårdcentral's")


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
