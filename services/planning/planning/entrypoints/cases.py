"""The receivers' cases: the municipality's inbox and primary care's list, one case with its messages, and the
kvittens a receiver gives each message (domain §2)."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from planning.entrypoints.deps import CaseIdPath, Receiver, own_case
from planning.entrypoints.schemas import NOT_FOUND, CaseOut, MessageOut, Page
from planning.service_layer import commands, views
from svu_shared.deps import HSA_ID_PATTERN, ID_PATTERN, Limit, Offset, Runtime

router = APIRouter(tags=["planning"])


@router.get(
    "/cases", response_model=Page[CaseOut], summary="A receiver's cases: the municipality's inbox, primary care's list"
)
async def list_cases(
    request: Request,
    caller: Receiver,
    runtime: Runtime,
    receiver_kind: Literal["municipality", "primary_care"] | None = None,
    receiver_id: Annotated[str | None, Query(pattern=HSA_ID_PATTERN, description="Kommunkod or HSA-id")] = None,
    stay_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: Literal["admitted", "discharge_ready", "discharged", "cancelled", "closed"] | None = None,
    overdue: Annotated[bool, Query(description="Only cases with something overdue")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[CaseOut]:
    if (receiver_kind or caller.role, receiver_id or caller.org) != (caller.role, caller.org):
        raise HTTPException(403, f"a receiver lists its own cases only ({caller.role} {caller.org})")
    now = datetime.now(UTC)
    async with runtime.sessions() as session:
        rows, total = await views.inbox(
            session,
            (caller.role, caller.org),
            stay_id=stay_id,
            status=status,
            overdue=overdue,
            limit=limit,
            offset=offset,
            now=now,
        )
    request.state.audit_stays = [row.case.stay_id for row in rows]  # the audit log's rows (ADR 0011)
    return Page(items=[CaseOut.of(row, now) for row in rows], total=total, limit=limit, offset=offset)


@router.get("/cases/{case_id}", response_model=CaseOut, responses=NOT_FOUND)
async def get_case(case_id: CaseIdPath, caller: Receiver, runtime: Runtime) -> CaseOut:
    async with runtime.sessions() as session:
        case, stay = await own_case(session, caller, case_id)
        unread = await views.unacknowledged(session, [case_id])
    return CaseOut.of(views.InboxRow(case, stay, unread.get(case_id, 0)), datetime.now(UTC))


@router.get("/cases/{case_id}/messages", response_model=list[MessageOut], responses=NOT_FOUND)
async def case_messages(case_id: CaseIdPath, caller: Receiver, runtime: Runtime) -> list[MessageOut]:
    """The stay's messages as this receiver sees them, with its own kvittens."""
    async with runtime.sessions() as session:
        case, _ = await own_case(session, caller, case_id)
        return [MessageOut(**row) for row in await views.case_messages(session, case)]


@router.post(
    "/cases/{case_id}/messages/{message_id}/acknowledgement",
    status_code=201,
    response_model=MessageOut,
    responses={**NOT_FOUND, 200: {"description": "Acknowledged before: the same kvittens"}},
)
async def acknowledge(
    response: Response,
    case_id: CaseIdPath,
    message_id: Annotated[str, Path(max_length=64)],
    caller: Receiver,
    runtime: Runtime,
) -> MessageOut:
    """Kvittens: the case's receiver has read the message."""
    async with runtime.transaction() as session:
        case, _ = await own_case(session, caller, case_id)
        done = await commands.acknowledge(session, case, message_id)
        if done is None:
            raise HTTPException(404, f"no message {message_id} on stay {case.stay_id}")
        message = await views.message(session, message_id)
    acknowledgement, new = done
    if not new:
        response.status_code = 200
    return MessageOut(**message, acknowledged_at=acknowledgement.acknowledged_at)
