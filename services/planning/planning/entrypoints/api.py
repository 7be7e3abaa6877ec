"""HTTP API of the planning service: the read models of each user group (the ward's list, the municipality's
inbox, primary care's list, follow-up) and the planning records and kvittens that receivers make."""

from datetime import UTC, date, datetime
from typing import Any, Generic, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import acknowledgements, cases, messages, stays
from planning.domain.case import Case
from planning.domain.deadlines import month_bounds
from planning.domain.follow_up import follow_up
from planning.domain.stay import PlannedStay, PlanRuleBroken, RecordKind, StayStatus
from planning.service_layer import handlers
from svu_shared.auth import Principal, may_see_stay, principal_of, require_role
from svu_shared.contracts.base import CASE_ID_MAX_LENGTH
from svu_shared.contracts.planning import (
    AssessmentContent,
    CareContactContent,
    ReceivingDecisionContent,
    SipContent,
    SipDecisionContent,
    SipInvitationContent,
)
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["planning"])
ID = r"^[A-Za-z0-9_.:-]{1,64}$"  # stay ids, HSA-ids, kommunkoder
StayId = Path(pattern=ID, description="Vårdtillfälle id")
CaseId = Path(pattern=rf"^[A-Za-z0-9_.:-]{{1,{CASE_ID_MAX_LENGTH}}}$")
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


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


CLINICAL = ("ward", "municipality", "primary_care")


def _visible(principal: Principal, stay: PlannedStay | None) -> PlannedStay:
    """The stay, if the caller takes part in its care; otherwise 404: its existence is not shown (issue 5 §3)."""
    units = [stay.primary_care_unit] if stay and stay.primary_care_unit else []
    if stay is None or not may_see_stay(
        principal, municipality=stay.municipality, wards=stay.wards, primary_care_units=units
    ):
        raise HTTPException(404, "no such stay")
    return stay


def _own_case(principal: Principal, case: Case) -> None:
    if (case.receiver_kind, case.receiver_id) != (principal.role, principal.org):
        raise HTTPException(404, f"no case {case.case_id}")


async def _unacknowledged(session: AsyncSession, case_ids: list[str]) -> dict[str, int]:
    """Messages of each case's stay that the case's receiver has not acknowledged."""
    if not case_ids:
        return {}
    acked = select(acknowledgements.c.message_id).where(acknowledgements.c.case_id == cases.c.case_id)
    query = (
        select(cases.c.case_id, func.count(messages.c.message_id))
        .join(messages, messages.c.stay_id == cases.c.stay_id)
        .where(cases.c.case_id.in_(case_ids), messages.c.message_id.not_in(acked.scalar_subquery()))
        .group_by(cases.c.case_id)
    )
    return {row[0]: row[1] for row in await session.execute(query)}


def _case_out(case: Case, stay: PlannedStay, unread: int, now: datetime) -> CaseOut:
    status = "closed" if case.closed_at else str(stay.status)
    due = [] if case.closed_at else [DueOut(**d.__dict__) for d in stay.due_items(case.receiver_kind, now)]
    return CaseOut(
        **case.__dict__,
        status=status,
        patient_id=stay.patient_id,
        care_unit=stay.care_unit,
        admitted_at=stay.admitted_at,
        estimated_discharge_date=stay.estimated_discharge_date,
        discharge_ready_at=stay.ready_at,
        discharged_at=stay.discharged_at,
        destination=stay.destination,
        due=due,
        unacknowledged=unread,
    )


@router.get(
    "/cases", response_model=Page[CaseOut], summary="A receiver's cases: the municipality's inbox, primary care's list"
)
async def list_cases(
    request: Request,
    receiver_kind: Literal["municipality", "primary_care"] | None = Query(None),
    receiver_id: str | None = Query(None, pattern=ID, description="Kommunkod or HSA-id"),
    stay_id: str | None = Query(None, pattern=ID),
    status: Literal["admitted", "discharge_ready", "discharged", "cancelled", "closed"] | None = Query(None),
    overdue: bool = Query(False, description="Only cases with something overdue"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> Page[CaseOut]:
    principal = principal_of(request)
    require_role(principal, "municipality", "primary_care")
    if (receiver_kind or principal.role, receiver_id or principal.org) != (principal.role, principal.org):
        raise HTTPException(403, f"a receiver lists its own cases only ({principal.role} {principal.org})")
    receiver_kind, receiver_id = principal.role, principal.org  # type: ignore[assignment]
    query = select(cases, *[c for c in stays.c if c.name not in cases.c]).join(
        stays, stays.c.stay_id == cases.c.stay_id
    )
    for column, value in (
        (cases.c.receiver_kind, receiver_kind),
        (cases.c.receiver_id, receiver_id),
        (cases.c.stay_id, stay_id),
    ):
        if value:
            query = query.where(column == value)
    if status == "closed":
        query = query.where(cases.c.closed_at.is_not(None))
    elif status:
        query = query.where(stays.c.status == status, cases.c.closed_at.is_(None))
    now = datetime.now(UTC)
    query = query.order_by(cases.c.opened_at.desc(), cases.c.case_id)
    async with _runtime(request).sessions() as session:
        if overdue:  # deadlines depend on the plan's records: filtered here, over the receiver's open cases only
            rows = (await session.execute(query.where(cases.c.closed_at.is_(None)))).mappings().all()
            pairs = [
                p
                for p in map(_case_and_stay_of, rows)
                if any(d.overdue for d in p[1].due_items(p[0].receiver_kind, now))
            ]
            total, pairs = len(pairs), pairs[offset : offset + limit]
        else:
            total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
            pairs = [
                _case_and_stay_of(r) for r in (await session.execute(query.limit(limit).offset(offset))).mappings()
            ]
        unread = await _unacknowledged(session, [c.case_id for c, _ in pairs])
    items = [_case_out(c, s, unread.get(c.case_id, 0), now) for c, s in pairs]
    request.state.audit_stays = [c.stay_id for c in items]
    return Page(items=items, total=total, limit=limit, offset=offset)


def _case_and_stay_of(row: Any) -> tuple[Case, PlannedStay]:
    return Case(**{k: row[k] for k in cases.c.keys()}), handlers.stay_from_row(row)


@router.get("/cases/{case_id}", response_model=CaseOut, responses=NOT_FOUND)
async def get_case(request: Request, case_id: str = CaseId) -> CaseOut:
    async with _runtime(request).sessions() as session:
        case, stay = await _case_and_stay(request, session, case_id)
        unread = await _unacknowledged(session, [case_id])
    return _case_out(case, stay, unread.get(case_id, 0), datetime.now(UTC))


async def _case_and_stay(request: Request, session: AsyncSession, case_id: str) -> tuple[Case, PlannedStay]:
    """The caller's own case (a receiver sees only its cases) and its stay; 404 otherwise."""
    principal = principal_of(request)
    require_role(principal, "municipality", "primary_care")
    row = (await session.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
    stay = await handlers.load_stay(session, row["stay_id"]) if row else None
    if row is None or stay is None:
        raise HTTPException(404, f"no case {case_id}")
    _own_case(principal, Case(**row))
    return Case(**row), stay


class MessageOut(BaseModel):
    message_id: str
    type: str
    source: str
    occurred_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: list[str] = []


@router.get("/cases/{case_id}/messages", response_model=list[MessageOut], responses=NOT_FOUND)
async def case_messages(request: Request, case_id: str = CaseId) -> list[MessageOut]:
    """The stay's messages as this receiver sees them, with its own kvittens."""
    async with _runtime(request).sessions() as session:
        case, _ = await _case_and_stay(request, session, case_id)
        acked = select(acknowledgements).where(acknowledgements.c.case_id == case_id).subquery()
        query = (
            select(messages, acked.c.acknowledged_at)
            .outerjoin(acked, acked.c.message_id == messages.c.message_id)
            .where(messages.c.stay_id == case.stay_id)
            .order_by(messages.c.occurred_at, messages.c.message_id)
        )
        return [MessageOut(**row) for row in (await session.execute(query)).mappings()]


@router.post(
    "/cases/{case_id}/messages/{message_id}/acknowledgement",
    status_code=201,
    response_model=MessageOut,
    responses={**NOT_FOUND, 200: {"description": "Acknowledged before: the same kvittens"}},
)
async def acknowledge(
    request: Request, response: Response, case_id: str = CaseId, message_id: str = Path(max_length=64)
) -> MessageOut:
    """Kvittens: the case's receiver has read the message."""
    async with _runtime(request).transaction() as session:
        case, _ = await _case_and_stay(request, session, case_id)
        done = await handlers.acknowledge(session, case, message_id)
        if done is None:
            raise HTTPException(404, f"no message {message_id} on stay {case.stay_id}")
        row = (await session.execute(select(messages).where(messages.c.message_id == message_id))).mappings().one()
    if not done[1]:
        response.status_code = 200
    return MessageOut(**row, acknowledged_at=done[0])


@router.get("/stays", response_model=Page[StaySummary], summary="The ward's list of its patients and their SVU status")
async def list_stays(
    request: Request,
    care_unit: str | None = Query(None, pattern=ID, description="HSA-id of the ward the patient is on"),
    municipality: str | None = Query(None, pattern=r"^\d{4}$"),
    status: Literal["admitted", "discharge_ready", "discharged", "cancelled"] | None = Query(None),
    late_notice: bool | None = Query(None, description="Only notices sent after (true) or within (false) 24 h"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> Page[StaySummary]:
    principal = principal_of(request)
    require_role(principal, *CLINICAL)
    own = {"ward": stays.c.care_unit, "municipality": stays.c.municipality, "primary_care": stays.c.primary_care_unit}
    asked = {"ward": care_unit, "municipality": municipality, "primary_care": None}[principal.role]
    if asked not in (None, principal.org):
        raise HTTPException(403, f"{principal.role} {principal.org} lists its own patients only")
    query = select(stays).where(own[principal.role] == principal.org)
    for column, value in (
        (stays.c.care_unit, care_unit),
        (stays.c.municipality, municipality),
        (stays.c.status, status),
    ):
        if value:
            query = query.where(column == value)
    if late_notice is not None:
        late = stays.c.notice_sent_at > stays.c.notice_deadline
        query = query.where(late if late_notice else ~late)
    now = datetime.now(UTC)
    async with _runtime(request).sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        page = query.order_by(stays.c.admitted_at.desc(), stays.c.stay_id).limit(limit).offset(offset)
        rows = (await session.execute(page)).mappings().all()
    request.state.audit_stays = [r["stay_id"] for r in rows]
    return Page(
        items=[StaySummary.of(handlers.stay_from_row(r), now) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get("/stays/{stay_id}", response_model=StayDetail, responses=NOT_FOUND)
async def get_stay(request: Request, stay_id: str = StayId) -> StayDetail:
    principal = principal_of(request)
    require_role(principal, *CLINICAL)
    async with _runtime(request).sessions() as session:
        stay = _visible(principal, await handlers.load_stay(session, stay_id))
    return StayDetail.of(stay, datetime.now(UTC))


@router.get("/stays/{stay_id}/messages", response_model=list[MessageOut], responses=NOT_FOUND)
async def stay_messages(request: Request, stay_id: str = StayId) -> list[MessageOut]:
    """For the sender: each message of the stay and which receivers (case ids) have acknowledged it."""
    principal = principal_of(request)
    require_role(principal, *CLINICAL)
    async with _runtime(request).sessions() as session:
        _visible(principal, await handlers.load_stay(session, stay_id))
        rows = (
            (
                await session.execute(
                    select(messages)
                    .where(messages.c.stay_id == stay_id)
                    .order_by(messages.c.occurred_at, messages.c.message_id)
                )
            )
            .mappings()
            .all()
        )
        acks = (
            (
                await session.execute(
                    select(acknowledgements).where(acknowledgements.c.message_id.in_([r["message_id"] for r in rows]))
                )
            )
            .mappings()
            .all()
        )
    by_message: dict[str, list[str]] = {}
    for ack in sorted(acks, key=lambda a: a["case_id"]):
        by_message.setdefault(ack["message_id"], []).append(ack["case_id"])
    return [MessageOut(**r, acknowledged_by=by_message.get(r["message_id"], [])) for r in rows]


# Who records what (domain §1-2): primary care names the care contact, the ward keeps the assessment, the
# municipality decides whether it can receive the patient; the SIP steps are made together.
RECORDED_BY: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CARE_CONTACT: ("primary_care",),
    RecordKind.ASSESSMENT: ("ward",),
    RecordKind.SIP_DECISION: CLINICAL,
    RecordKind.SIP_INVITATION: CLINICAL,
    RecordKind.SIP: CLINICAL,
    RecordKind.RECEIVING_DECISION: ("municipality",),
}


async def _record(request: Request, stay_id: str, kind: RecordKind, content: BaseModel) -> StayDetail:
    principal = principal_of(request)
    require_role(principal, *RECORDED_BY[kind])
    try:
        async with _runtime(request).transaction() as session:
            _visible(principal, await handlers.load_stay(session, stay_id))
            stay = await handlers.record(session, stay_id, kind, content.model_dump(mode="json"), by=principal.org)
    except PlanRuleBroken as exc:
        raise HTTPException(409, str(exc)) from None
    assert stay is not None
    return StayDetail.of(stay, datetime.now(UTC))


# The plan's records, one PUT each (a record is kept current: a PUT replaces it, as a new event). The body is the
# record's content as the event carries it, with unknown fields refused (a typo must not vanish).
RECORDS: tuple[tuple[str, RecordKind, type[BaseModel], str], ...] = (
    ("care-contact", RecordKind.CARE_CONTACT, CareContactContent, "Fast vårdkontakt, named by primary care"),
    ("assessment", RecordKind.ASSESSMENT, AssessmentContent, "Kartläggning, kept current while admitted"),
    ("sip-decision", RecordKind.SIP_DECISION, SipDecisionContent, "Ställningstagande till SIP, before discharge"),
    (
        "sip-invitation",
        RecordKind.SIP_INVITATION,
        SipInvitationContent,
        "Kallelse till SIP, due within 3 days of the discharge-ready notice (the first one sent counts)",
    ),
    ("sip", RecordKind.SIP, SipContent, "The SIP: participants, goals, actions (who, by when), consent"),
    (
        "receiving-decision",
        RecordKind.RECEIVING_DECISION,
        ReceivingDecisionContent,
        "Ställningstagande inför utskrivning: can the municipality receive the patient, and from when",
    ),
)


def _record_route(path: str, kind: RecordKind, content: type[BaseModel], summary: str) -> None:
    body_model = type(f"{content.__name__}In", (content,), {"model_config": ConfigDict(extra="forbid")})

    async def put_record(body: body_model, request: Request, stay_id: str = StayId) -> StayDetail:  # type: ignore[valid-type]
        return await _record(request, stay_id, kind, body)

    router.add_api_route(
        f"/stays/{{stay_id}}/{path}",
        put_record,
        methods=["PUT"],
        response_model=StayDetail,
        responses=CONFLICT,
        summary=summary,
        name=f"put_{kind.value}",
    )


for record in RECORDS:
    _record_route(*record)


class UnitMonthOut(BaseModel):
    care_unit: str
    notices: int
    notices_on_time: int
    notices_late: int
    sip_invitations_due: int
    sip_invitations_on_time: int
    sip_invitations_late: int
    discharges: dict[str, int]


@router.get(
    "/follow-up", response_model=list[UnitMonthOut], summary="Deadlines kept and stays by destination, per unit"
)
async def follow_up_month(
    request: Request,
    month: str = Query(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM, a calendar month in Sweden"),
    care_unit: str | None = Query(None, pattern=ID),
) -> list[UnitMonthOut]:
    """Counts only, no patient: for finance and admin over every unit, for a ward over its own."""
    principal = principal_of(request)
    require_role(principal, "ward", "finance", "admin")
    if principal.role == "ward":
        if care_unit not in (None, principal.org):
            raise HTTPException(403, f"a ward follows up its own unit ({principal.org})")
        care_unit = principal.org
    start, end = month_bounds(month)
    in_month = or_(*(stays.c[name].between(start, end) for name in ("notice_sent_at", "sip_due_at", "discharged_at")))
    async with _runtime(request).sessions() as session:
        rows = (await session.execute(select(stays).where(in_month))).mappings().all()
    units = follow_up([handlers.stay_from_row(r) for r in rows], month, datetime.now(UTC))
    return [
        UnitMonthOut(**{**u.__dict__, "discharges": dict(u.discharges)})
        for u in units
        if care_unit in (None, u.care_unit)
    ]
