"""What planning's API takes and answers about the receivers' cases: a row of the inbox (with what is due, whether
the admission notice was on time, what is unread and new), and the bodies of returning or closing a case."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from planning.domain.stay import StayStatus
from planning.entrypoints.schemas import DueOut
from planning.service_layer.views import InboxRow


class CaseOut(BaseModel):
    """One row of a receiver's inbox: the case, its stay, what is due and how many messages are unread."""

    case_id: str
    stay_id: str
    receiver_kind: str
    receiver_id: str
    opened_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    closed_as: str | None = None  # receiver_changed, cancelled, interrupted, returned, closed_by_receiver
    closed_by: str | None = None
    status: str  # admitted, discharge_ready, discharged (the stay's, while the case is open), closed, cancelled
    patient_id: str | None  # None until the patient's identity has come (ADR 0028)
    patient_name: str | None = None  # never for a protected identity
    protected_identity: bool = False
    municipality: str | None = None
    primary_care_unit: str | None = None
    care_unit: str
    admitted_at: datetime
    notice_sent_at: datetime | None = None
    notice_deadline: datetime | None = None
    notice_on_time: bool | None = None  # the admission notice within 24 h (None: no deadline on the notice)
    estimated_discharge_date: date | None
    discharge_ready_at: datetime | None
    discharged_at: datetime | None
    destination: str | None
    due: list[DueOut]
    unacknowledged: int
    new_messages: int | None = None  # for the user, since they last opened the stay (ADR 0014)

    @classmethod
    def of(cls, row: InboxRow, now: datetime) -> "CaseOut":
        case, stay = row.case, row.stay
        due = [] if case.closed_at else [DueOut.of(d) for d in stay.due_items(case.receiver_kind, now)]
        return cls(
            **case.__dict__,
            status=_status(row),
            patient_id=stay.patient_id,
            patient_name=None if stay.protected_identity else stay.patient_name,
            protected_identity=stay.protected_identity,
            municipality=stay.municipality,
            primary_care_unit=stay.primary_care_unit,
            care_unit=stay.care_unit,
            admitted_at=stay.admitted_at,
            notice_sent_at=stay.notice_sent_at,
            notice_deadline=stay.notice_deadline,
            notice_on_time=stay.notice_on_time,
            estimated_discharge_date=stay.estimated_discharge_date,
            discharge_ready_at=stay.ready_at,
            discharged_at=stay.discharged_at,
            destination=stay.destination,
            due=due,
            unacknowledged=row.unacknowledged,
            new_messages=row.new_messages,
        )


def _status(row: InboxRow) -> str:
    """A cancelled notice's case says "cancelled" (it closed with it); another closed case "closed"; an open case
    its stay's status (admitted, discharge_ready, discharged)."""
    if row.stay.status is StayStatus.CANCELLED:
        return str(StayStatus.CANCELLED)
    return "closed" if row.case.closed_at else str(row.stay.status)


class CaseReturnIn(BaseModel):
    """Return a misrouted case (wrong municipality or vårdcentral) to the ward, saying why."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, description="Why the case is not this receiver's")


class CaseClosingIn(BaseModel):
    """Avsluta ärende after the patient's discharge, optionally saying why."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, min_length=1, max_length=500)
