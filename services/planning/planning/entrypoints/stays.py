"""The stays: the ward's list of its patients and their SVU status, one stay with its whole plan, and for the sender
each message of a stay with who has acknowledged it (domain §2). Lists are filtered to the caller (ADR 0011)."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from planning.entrypoints.deps import KOMMUNKOD_PATTERN, Clinician, visible
from planning.entrypoints.schemas import NOT_FOUND, MessageOut, Page, StayDetail, StaySummary
from planning.service_layer import views
from svu_shared.deps import HSA_ID_PATTERN, Limit, Offset, Runtime, StayIdPath

router = APIRouter(tags=["planning"])


@router.get("/stays", response_model=Page[StaySummary], summary="The ward's list of its patients and their SVU status")
async def list_stays(
    request: Request,
    caller: Clinician,
    runtime: Runtime,
    care_unit: Annotated[
        str | None, Query(pattern=HSA_ID_PATTERN, description="HSA-id of the ward the patient is on")
    ] = None,
    municipality: Annotated[str | None, Query(pattern=KOMMUNKOD_PATTERN)] = None,
    status: Literal["admitted", "discharge_ready", "discharged", "cancelled"] | None = None,
    late_notice: Annotated[
        bool | None, Query(description="Only notices sent after (true) or within (false) 24 h")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[StaySummary]:
    asked = {"ward": care_unit, "municipality": municipality, "primary_care": None}[caller.role]
    if asked not in (None, caller.org):
        raise HTTPException(403, f"{caller.role} {caller.org} lists its own patients only")
    now = datetime.now(UTC)
    async with runtime.sessions() as session:
        stays, total = await views.stay_list(
            session,
            (caller.role, caller.org),
            care_unit=care_unit,
            municipality=municipality,
            status=status,
            late_notice=late_notice,
            limit=limit,
            offset=offset,
        )
    request.state.audit_stays = [stay.stay_id for stay in stays]  # the audit log's rows (ADR 0011)
    return Page(items=[StaySummary.of(stay, now) for stay in stays], total=total, limit=limit, offset=offset)


@router.get("/stays/{stay_id}", response_model=StayDetail, responses=NOT_FOUND)
async def get_stay(stay_id: StayIdPath, caller: Clinician, runtime: Runtime) -> StayDetail:
    async with runtime.sessions() as session:
        stay = visible(caller, await views.stay(session, stay_id))
    return StayDetail.of(stay, datetime.now(UTC))


@router.get("/stays/{stay_id}/messages", response_model=list[MessageOut], responses=NOT_FOUND)
async def stay_messages(stay_id: StayIdPath, caller: Clinician, runtime: Runtime) -> list[MessageOut]:
    """For the sender: each message of the stay and which receivers (case ids) have acknowledged it."""
    async with runtime.sessions() as session:
        visible(caller, await views.stay(session, stay_id))
        found = await views.stay_messages(session, stay_id)
    return [MessageOut(**row, acknowledged_by=acknowledged_by) for row, acknowledged_by in found]
