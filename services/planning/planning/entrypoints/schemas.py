"""What planning's API answers: the rows of each user group's lists, a stay with its plan, a case, messages with
their kvittens, follow-up counts; and the error answers its routes document."""

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from planning.domain.follow_up import UnitMonth
from planning.domain.stay import PlannedStay, StayStatus
from planning.service_layer.views import InboxRow

Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's `responses=`
NOT_FOUND: Responses = {404: {"description": "No such stay or case"}}
CONFLICT: Responses = {
    **NOT_FOUND,
    409: {"description": "The process does not allow this now; the message names the rule"},
}
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class DueOut(BaseModel):
    what: str
    due_at: datetime | None
    overdue: bool


class StaySummary(BaseModel):
    """One row of the ward's list: the patient and where the SVU process stands."""

    stay_id: str
    patient_id: str
    patient_name: str | None
    protected_identity: bool
    municipality: str
    care_unit: str
    primary_care_unit: str | None
    admitted_at: datetime
    estimated_discharge_date: date | None
    status: StayStatus
    notice_sent_at: datetime
    notice_deadline: datetime | None
    notice_on_time: bool | None
    ready_at: datetime | None
    sip_due_at: datetime | None
    sip_invited_at: datetime | None
    sip_invitation_overdue: bool
    discharged_at: datetime | None
    destination: str | None

    @classmethod
    def of(cls, stay: PlannedStay, now: datetime) -> "StaySummary":
        values = {k: getattr(stay, k) for k in StaySummary.model_fields if k != "sip_invitation_overdue"}
        return StaySummary(**values, sip_invitation_overdue=stay.sip_invitation_overdue(now))


class StayDetail(StaySummary):
    patient_address: str | None
    epicrisis_sent_at: datetime | None
    medication_list_sent_at: datetime | None
    care_contact: dict[str, Any] | None
    assessment: dict[str, Any] | None
    sip_decision: dict[str, Any] | None
    sip_invitation: dict[str, Any] | None
    sip: dict[str, Any] | None
    receiving_decision: dict[str, Any] | None

    @classmethod
    def of(cls, stay: PlannedStay, now: datetime) -> "StayDetail":
        return cls(
            **StaySummary.of(stay, now).model_dump(),
            **{k: getattr(stay, k) for k in cls.model_fields if k not in StaySummary.model_fields},
        )


class CaseOut(BaseModel):
    """One row of a receiver's inbox: the case, its stay, what is due and how many messages are unread."""

    case_id: str
    stay_id: str
    receiver_kind: str
    receiver_id: str
    opened_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    status: str
    patient_id: str
    care_unit: str
    admitted_at: datetime
    estimated_discharge_date: date | None
    discharge_ready_at: datetime | None
    discharged_at: datetime | None
    destination: str | None
    due: list[DueOut]
    unacknowledged: int

    @classmethod
    def of(cls, row: InboxRow, now: datetime) -> "CaseOut":
        case, stay = row.case, row.stay
        due = [] if case.closed_at else [DueOut(**d.__dict__) for d in stay.due_items(case.receiver_kind, now)]
        return cls(
            **case.__dict__,
            status="closed" if case.closed_at else str(stay.status),
            patient_id=stay.patient_id,
            care_unit=stay.care_unit,
            admitted_at=stay.admitted_at,
            estimated_discharge_date=stay.estimated_discharge_date,
            discharge_ready_at=stay.ready_at,
            discharged_at=stay.discharged_at,
            destination=stay.destination,
            due=due,
            unacknowledged=row.unacknowledged,
        )


class MessageOut(BaseModel):
    message_id: str
    type: str
    source: str
    occurred_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: list[str] = []


class UnitMonthOut(BaseModel):
    care_unit: str
    notices: int
    notices_on_time: int
    notices_late: int
    sip_invitations_due: int
    sip_invitations_on_time: int
    sip_invitations_late: int
    discharges: dict[str, int]

    @classmethod
    def of(cls, unit: UnitMonth) -> "UnitMonthOut":
        return cls(**{**unit.__dict__, "discharges": dict(unit.discharges)})
