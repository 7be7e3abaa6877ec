"""The stays: the ward's list of its patients and their SVU status, a patient's stays found by personnummer or
samordningsnummer (in a body, never a URL), and one stay with its whole plan; opening a stay records when the user
last opened it, for what is new to them (ADR 0014). Lists are filtered to the caller (ADR 0011)."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from planning.domain.identity import patient_id_problem
from planning.domain.stay import PlannedStay
from planning.entrypoints.deps import KOMMUNKOD_PATTERN, Clinician, party, seen_stay
from planning.entrypoints.schemas import NOT_FOUND, Page, StayDetail, StaySummary
from planning.service_layer import message_views, messaging, views
from svu_shared.audit import note_stays
from svu_shared.auth import Principal
from svu_shared.deps import HSA_ID_PATTERN, Limit, Offset, ReadableSince, Runtime, StayIdPath

router = APIRouter(tags=["planning"])


@router.get("/stays", response_model=Page[StaySummary], summary="The ward's list of its patients and their SVU status")
async def list_stays(
    request: Request,
    caller: Clinician,
    runtime: Runtime,
    since: ReadableSince,
    care_unit: Annotated[
        str | None, Query(pattern=HSA_ID_PATTERN, description="HSA-id of the ward the patient is on")
    ] = None,
    municipality: Annotated[str | None, Query(pattern=KOMMUNKOD_PATTERN)] = None,
    status: Literal["admitted", "discharge_ready", "discharged", "cancelled"] | None = None,
    late_notice: Annotated[
        bool | None, Query(description="Only notices sent after (true) or within (false) 24 h")
    ] = None,
    unread: Annotated[
        bool, Query(description="Only stays with messages the caller's party has not acknowledged")
    ] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[StaySummary]:
    """Each patient with the name (never for a protected identity), the cases a receiver returned, and how many
    messages are new to the user since they last opened the stay."""
    asked = {"ward": care_unit, "municipality": municipality, "primary_care": None}[caller.role]
    if asked not in (None, caller.org):
        raise HTTPException(403, f"{caller.role} {caller.org} lists its own patients only")
    async with runtime.sessions() as session:
        stays, total = await views.stay_list(
            session,
            (caller.role, caller.org),
            care_unit=care_unit,
            municipality=municipality,
            status=status,
            late_notice=late_notice,
            unread=unread,
            limit=limit,
            offset=offset,
            since=since,
        )
        items = await _summaries(session, caller, stays)
    note_stays(stay.stay_id for stay in stays)  # one audit row naming them (ADR 0011, 0025)
    return Page(items=items, total=total, limit=limit, offset=offset)


async def _summaries(session: AsyncSession, caller: Principal, stays: list[PlannedStay]) -> list[StaySummary]:
    ids, now = [s.stay_id for s in stays], datetime.now(UTC)
    cases = await views.stay_cases(session, ids)
    new = await message_views.new_messages(session, party(caller), caller.subject, ids)
    return [StaySummary.of(s, now, cases[s.stay_id], new.get(s.stay_id, 0)) for s in stays]


def _patient_id(value: str) -> str:
    if (problem := patient_id_problem(value)) is not None:
        raise ValueError(problem)
    return value


class PatientSearchIn(BaseModel):
    """A patient's personnummer or samordningsnummer, in the body: a URL ends up in logs and browser history."""

    model_config = ConfigDict(extra="forbid")
    patient_id: Annotated[str, AfterValidator(_patient_id)] = Field(
        description="Personnummer or samordningsnummer, 12 digits", examples=["191212121212"]
    )


@router.post(
    "/stays/search", response_model=Page[StaySummary], summary="A patient's stays, by personnummer or samordningsnummer"
)
async def search_stays(
    request: Request,
    body: PatientSearchIn,
    caller: Clinician,
    runtime: Runtime,
    since: ReadableSince,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[StaySummary]:
    """The caller's own stays of the patient (a municipality's residents, a ward's or a vårdcentral's patients),
    newest admission first; audited like every read: one row per stay found (ADR 0011)."""
    async with runtime.sessions() as session:
        owner = (caller.role, caller.org)
        stays, total = await views.stay_list(
            session, owner, patient_id=body.patient_id, limit=limit, offset=offset, since=since
        )
        items = await _summaries(session, caller, stays)
    note_stays(stay.stay_id for stay in stays)
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/stays/{stay_id}", response_model=StayDetail, responses=NOT_FOUND)
async def get_stay(stay_id: StayIdPath, caller: Clinician, runtime: Runtime, since: ReadableSince) -> StayDetail:
    """The stay with its plan, its cases and what is due; opening it is recorded for the user, and the answer
    says when they had opened it before and how many messages arrived since (ADR 0014). A receiver whose case
    closed reads the stay as it was then, with its own case only (ADR 0025)."""
    now = datetime.now(UTC)
    async with runtime.transaction() as session:
        seen = await seen_stay(session, caller, since, stay_id)
        cases = [seen.case] if seen.case else (await views.stay_cases(session, [stay_id]))[stay_id]
        new = await message_views.new_messages(session, party(caller), caller.subject, [stay_id], seen.until)
        before = await messaging.opened(session, stay_id, caller.subject, now)
    return StayDetail.of(seen.stay, now, cases, new.get(stay_id, 0), before)
