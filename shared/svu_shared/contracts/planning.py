"""Events published by the planning service on topic `svu.planning`.

The planning records (fast vårdkontakt, kartläggning, planeringsunderlag, ställningstagande till SIP, kallelse, SIP,
ställningstagande inför utskrivning) each have a *content* model: what the user enters, which the HTTP API takes as
its body and the event carries unchanged, plus when and by whom it was recorded (`RecordedOnStay`).

Every event about a stay is a message its parties read and acknowledge (kvittens); its message id is the
CloudEvents `id` of the event (ADR 0010, ADR 0014).
"""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints

from svu_shared.contracts.base import CASE_ID_MAX_LENGTH, HsaId, StayEvent

ReceiverKind = Literal["municipality", "primary_care"]
PartyKind = Literal["ward", "municipality", "primary_care"]  # the parties of a stay (domain §1)
# Why a case closed (ADR 0014): its receiver is no longer the stay's (a corrected vårdcentral, a move), the notice
# was cancelled, the process was interrupted, the receiver returned a misrouted case or closed it after discharge.
ClosedAs = Literal["receiver_changed", "cancelled", "interrupted", "returned", "closed_by_receiver"]
Subject: Any = Field(max_length=200, description="The person: the subject (`sub`) of the user's token")
Text: Any = Field(min_length=1, max_length=2000)
Name: Any = Field(min_length=1, max_length=200)
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
    receiver_id: HsaId = Field(description="Kommunkod or HSA-id")
    opened_at: AwareDatetime


class CaseClosed(PlanningEvent):
    """A receiver's case ended: the notice was cancelled, the patient's vårdcentral changed, the patient moved to
    another municipality, the process was interrupted (avbrott), or the receiver closed it after discharge
    (avsluta ärende). A case its receiver returned closes with `case_returned` instead."""

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
    receiver_id: HsaId = Field(description="Kommunkod or HSA-id")
    reason: str = Field(min_length=1, max_length=500)
    closed_at: AwareDatetime
    closed_as: ClosedAs | None = Field(None, description="Why, as a code (absent from producers before ADR 0014)")
    closed_by: str | None = Field(None, max_length=200, description="The person, when the receiver closed it")


class CaseReturned(PlanningEvent):
    """The receiver returned a misrouted case (wrong municipality or vårdcentral) with a reason: the case is closed by
    this event (no `case_closed` follows); the ward corrects or cancels its admission notice."""

    event_type: ClassVar[str] = "se.svu.planning.case_returned.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "case_id": "SUS-2025-000123:primary_care:SE2321000016-VCLIMHAMN",
                    "receiver_kind": "primary_care",
                    "receiver_id": "SE2321000016-VCLIMHAMN",
                    "reason": "Patienten är listad på Vårdcentralen Centrum, inte hos oss",
                    "returned_by": "anna.berg@vclimhamn",
                    "returned_at": "2025-03-01T16:05:00+01:00",
                }
            ]
        }
    )

    case_id: str = Field(min_length=1, max_length=CASE_ID_MAX_LENGTH)
    receiver_kind: ReceiverKind
    receiver_id: HsaId = Field(description="Kommunkod or HSA-id")
    reason: str = Field(min_length=1, max_length=500)
    returned_by: str = Subject
    returned_at: AwareDatetime


class MessageSent(PlanningEvent):
    """Meddelande: free text from one party of the stay (the ward that has it, the municipality, the vårdcentral) to
    all parties (`to_role` absent) or to one. Its message id (for kvittens) is this event's CloudEvents id."""

    event_type: ClassVar[str] = "se.svu.planning.message_sent.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "text": "Hemtjänsten kan starta fredag förmiddag. Finns hjälpmedel beställda?",
                    "sender_role": "municipality",
                    "sender_org": "1280",
                    "sender_subject": "lena.holm@malmo",
                    "sender_name": "lena.holm@malmo",
                    "to_role": "ward",
                    "to_org": "SE2321000016-MEDAVD3",
                    "sent_at": "2025-03-04T10:20:00+01:00",
                }
            ]
        }
    )

    text: str = Field(min_length=1, max_length=2000)
    sender_role: PartyKind
    sender_org: HsaId = Field(description="Kommunkod or HSA-id")
    sender_subject: str = Subject
    sender_name: str | None = Field(None, max_length=200, description="The sender's name as the token gives it")
    to_role: PartyKind | None = Field(None, description="One party; absent: every party of the stay")
    to_org: HsaId | None = Field(None, description="The party's kommunkod or HSA-id")
    sent_at: AwareDatetime


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
    receiver_id: HsaId = Field(description="Kommunkod or HSA-id")
    acknowledged_at: AwareDatetime
    acknowledged_by: str | None = Field(None, max_length=200, description="The person: their token's subject")


class MessageAcknowledgedByWard(PlanningEvent):
    """Kvittens by the ward: it has read a message of another party on its stay (the municipality's decision, the
    vårdcentral's steps, a meddelande); the sender sees it, with the person who read it."""

    event_type: ClassVar[str] = "se.svu.planning.message_acknowledged_by_ward.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stay_id": "SUS-2025-000123",
                    "message_id": "3c1d2b7e-8a31-4e0c-b6a5-0d2f9c1e4b77",
                    "care_unit": "SE2321000016-MEDAVD3",
                    "acknowledged_by": "sara.ek@medavd3",
                    "acknowledged_at": "2025-03-05T12:40:00+01:00",
                }
            ]
        }
    )

    message_id: str = Field(min_length=1, max_length=64, description="The CloudEvents id of the message read")
    care_unit: HsaId = Field(description="HSA-id of the ward that acknowledged")
    acknowledged_by: str = Subject
    acknowledged_at: AwareDatetime


# The records' content models and events live in their own module (this one holds the cases and messages); they are
# imported here, after the names they use, so that they register in this topic's order and keep their import path.
from svu_shared.contracts.planning_records import (  # noqa: E402
    AssessmentContent,
    AssessmentRecorded,
    CareContactAssigned,
    CareContactContent,
    PlanningInputContent,
    PlanningInputRecorded,
    ReceivingDecided,
    ReceivingDecisionContent,
    RecordedOnStay,
    SipAction,
    SipAgreed,
    SipContent,
    SipDecided,
    SipDecisionContent,
    SipInvitationContent,
    SipInvitationSent,
)

__all__ = [
    "AssessmentContent",
    "AssessmentRecorded",
    "CareContactAssigned",
    "CareContactContent",
    "CaseClosed",
    "CaseOpened",
    "CaseReturned",
    "MessageAcknowledged",
    "MessageAcknowledgedByWard",
    "MessageSent",
    "PlanningEvent",
    "PlanningInputContent",
    "PlanningInputRecorded",
    "ReceivingDecided",
    "ReceivingDecisionContent",
    "RecordedOnStay",
    "SipAction",
    "SipAgreed",
    "SipContent",
    "SipDecided",
    "SipDecisionContent",
    "SipInvitationContent",
    "SipInvitationSent",
]
