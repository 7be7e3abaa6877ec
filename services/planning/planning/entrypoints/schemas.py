"""What planning's API answers about stays: the rows of the ward's list and due list, a stay with its plan, its cases
and what is due, follow-up counts; and the error answers its routes document. Cases are `case_schemas.py`'s,
messages `message_schemas.py`'s."""

from dataclasses import fields
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from planning.domain.case import Case
from planning.domain.due import information, stay_due
from planning.domain.follow_up import UnitMonth
from planning.domain.kinds import DueItem
from planning.domain.stay import PlannedStay, StayStatus

Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's `responses=`
NOT_FOUND: Responses = {404: {"description": "No such stay or case"}}
CONFLICT: Responses = {
    **NOT_FOUND,
    409: {"description": "The process does not allow this now; the message names the rule"},
}
T = TypeVar("T")


def _facts(stay: PlannedStay, names: Any) -> dict[str, Any]:
    """The stay's values for the model's fields that the stay keeps (its dataclass fields and notice timeliness);
    name and address hidden for a protected identity."""
    kept = {f.name for f in fields(stay)} | {"notice_on_time"}
    values = {k: getattr(stay, k) for k in names if k in kept}
    if stay.protected_identity:  # skyddad identitet: shown to no one here, whatever an event carried (ADR 0011)
        values |= {k: None for k in ("patient_name", "patient_address") if k in values}
    return values


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class DueOut(BaseModel):
    what: str
    due_at: datetime | None
    overdue: bool
    owed_by: str | None = None
    words: str = ""

    @classmethod
    def of(cls, item: DueItem) -> "DueOut":
        return cls(**item.__dict__)


class CaseBrief(BaseModel):
    """A receiver's case as the stay shows it: open, closed (and how), or returned by its receiver."""

    case_id: str
    receiver_kind: str
    receiver_id: str
    opened_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    closed_as: str | None
    closed_by: str | None

    @classmethod
    def of(cls, case: Case) -> "CaseBrief":
        return cls(**{k: v for k, v in case.__dict__.items() if k in cls.model_fields})


class StaySummary(BaseModel):
    """One row of the ward's list: the patient and where the SVU process stands."""

    stay_id: str
    patient_id: str | None  # None until the patient's identity has come (ADR 0028)
    patient_name: str | None
    protected_identity: bool
    municipality: str
    former_municipalities: list[str] = []
    care_unit: str
    primary_care_unit: str | None
    admitted_at: datetime
    estimated_discharge_date: date | None
    status: StayStatus
    notice_sent_at: datetime
    notice_deadline: datetime | None
    notice_on_time: bool | None
    ready_at: datetime | None
    ready_received_at: datetime | None = None  # a backdated notice: when it reached the system
    ready_backdating_reason: str | None = None
    sip_due_at: datetime | None
    sip_invited_at: datetime | None
    sip_invitation_overdue: bool
    discharged_at: datetime | None
    destination: str | None
    information_due_at: datetime | None = None  # information at discharge: before the end of the discharge day
    information_state: str = "due"  # in_time, late (Sen), due, overdue (Förfallen), not_required
    information_overdue: bool = False
    interrupted_at: datetime | None = None
    interruption: str | None = None
    interruption_note: str | None = None
    returned_cases: list[CaseBrief] = []  # cases a receiver returned as misrouted
    new_messages: int | None = None  # for the user, since they last opened the stay

    @classmethod
    def of(
        cls, stay: PlannedStay, now: datetime, cases: list[Case] | None = None, new_messages: int | None = None
    ) -> "StaySummary":
        info = information(stay, now)
        return StaySummary(
            **_facts(stay, StaySummary.model_fields),
            sip_invitation_overdue=stay.sip_invitation_overdue(now),
            information_due_at=info.due_before,
            information_state=str(info.state),
            information_overdue=info.state == "overdue",
            returned_cases=[CaseBrief.of(c) for c in cases or [] if c.closed_as == "returned"],
            new_messages=new_messages,
        )


class StayDetail(StaySummary):
    """The stay with its whole plan: the ward's kartläggning beside the receivers' planeringsunderlag, its cases and
    everything due on it (every party's)."""

    patient_address: str | None
    epicrisis_sent_at: datetime | None
    medication_list_sent_at: datetime | None
    care_contact: dict[str, Any] | None
    assessment: dict[str, Any] | None
    municipality_input: dict[str, Any] | None = None
    primary_care_input: dict[str, Any] | None = None
    sip_decision: dict[str, Any] | None
    sip_invitation: dict[str, Any] | None
    sip: dict[str, Any] | None
    receiving_decision: dict[str, Any] | None
    cases: list[CaseBrief] = []
    due: list[DueOut] = []
    last_opened_at: datetime | None = None  # the user's opening before this one (None: the first)

    @classmethod
    def of(  # type: ignore[override]
        cls,
        stay: PlannedStay,
        now: datetime,
        cases: list[Case],
        new_messages: int | None = None,
        last_opened_at: datetime | None = None,
    ) -> "StayDetail":
        summary = StaySummary.of(stay, now, cases, new_messages).model_dump()
        return cls(
            **summary,
            **_facts(stay, [k for k in cls.model_fields if k not in summary]),
            cases=[CaseBrief.of(c) for c in cases],
            due=[DueOut.of(i) for i in stay_due(stay, cases, now)],
            last_opened_at=last_opened_at,
        )


class DueRowOut(BaseModel):
    """One row of the ward's due list (Att göra): the patient, where the process stands and what is due, by whom,
    in words (Förfallen, never colour alone)."""

    stay_id: str
    patient_id: str | None  # None until the patient's identity has come (ADR 0028)
    patient_name: str | None
    protected_identity: bool
    care_unit: str
    municipality: str
    primary_care_unit: str | None
    status: StayStatus
    estimated_discharge_date: date | None
    ready_at: datetime | None
    discharged_at: datetime | None
    due: list[DueOut]
    overdue: bool
    unacknowledged: int  # messages of the other parties the ward has not acknowledged
    words: str

    @classmethod
    def of(cls, stay: PlannedStay, due: list[DueItem], unacknowledged: int) -> "DueRowOut":
        overdue = sum(i.overdue for i in due)
        words = f"{len(due)} att göra" + (f", varav {overdue} förfallen" if overdue else "")
        return cls(
            **_facts(stay, cls.model_fields),
            due=[DueOut.of(i) for i in due],
            overdue=bool(overdue),
            unacknowledged=unacknowledged,
            words=words,
        )


class UnitMonthOut(BaseModel):
    care_unit: str
    notices: int
    notices_on_time: int
    notices_late: int
    sip_invitations_due: int
    sip_invitations_on_time: int
    sip_invitations_late: int
    discharges: dict[str, int]
    sip_invitations_owed: int
    sip_invitations_owed_on_time: int
    sip_invitations_owed_late: int
    information_due: int
    information_on_time: int
    information_late: int

    @classmethod
    def of(cls, unit: UnitMonth) -> "UnitMonthOut":
        return cls(**{**unit.__dict__, "discharges": dict(unit.discharges)})
