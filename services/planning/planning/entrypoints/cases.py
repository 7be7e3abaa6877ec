"""The receivers' cases: the municipality's inbox and primary care's list, one case with its messages, the kvittens
a receiver gives each message (domain §2), and what a receiver does with its case: return it as misrouted, or close
it after discharge (avsluta ärende, ADR 0014)."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from planning.entrypoints.case_schemas import CaseClosingIn, CaseOut, CaseReturnIn
from planning.entrypoints.deps import CaseIdPath, Receiver, own_case, party
from planning.entrypoints.message_schemas import MessageOut
from planning.entrypoints.schemas import CONFLICT, NOT_FOUND, Page
from planning.service_layer import commands, message_views, messaging, views
from svu_shared.audit import answered_with, note_stays
from svu_shared.auth import Principal
from svu_shared.deps import HSA_ID_PATTERN, ID_PATTERN, Limit, Offset, ReadableSince, Runtime
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["planning"])


@router.get(
    "/cases", response_model=Page[CaseOut], summary="A receiver's cases: the municipality's inbox, primary care's list"
)
async def list_cases(
    request: Request,
    caller: Receiver,
    runtime: Runtime,
    since: ReadableSince,
    receiver_kind: Literal["municipality", "primary_care"] | None = None,
    receiver_id: Annotated[str | None, Query(pattern=HSA_ID_PATTERN, description="Kommunkod or HSA-id")] = None,
    stay_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: Literal["admitted", "discharge_ready", "discharged", "cancelled", "closed"] | None = None,
    overdue: Annotated[bool, Query(description="Only cases with something overdue")] = False,
    unread: Annotated[bool, Query(description="Only cases with messages the receiver has not acknowledged")] = False,
    ready: Annotated[bool, Query(description="Only open cases of discharge-ready patients, not discharged")] = False,
    sort: Annotated[
        Literal["ready", "estimated"] | None,
        Query(description="ready: longest discharge-ready first; estimated: earliest estimated discharge date first"),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[CaseOut]:
    """Each case with what is due, whether the admission notice came on time (24 h), how many messages the
    receiver has not acknowledged and how many are new to the user since they last opened the stay."""
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
            unread=unread,
            ready=ready,
            sort=sort,
            limit=limit,
            offset=offset,
            now=now,
            reader=caller.subject,
            since=since,
        )
    note_stays(row.case.stay_id for row in rows)  # one audit row naming them (ADR 0011, 0025)
    return Page(items=[CaseOut.of(row, now) for row in rows], total=total, limit=limit, offset=offset)


@router.get("/cases/{case_id}", response_model=CaseOut, responses=NOT_FOUND)
async def get_case(case_id: CaseIdPath, caller: Receiver, runtime: Runtime, since: ReadableSince) -> CaseOut:
    """The case; a closed one with its stay as it was when it closed (ADR 0025)."""
    return await _case_out(runtime, caller, since, case_id)


async def _case_out(runtime: ServiceRuntime, caller: Principal, since: datetime, case_id: str) -> CaseOut:
    async with runtime.sessions() as session:
        case, stay = await own_case(session, caller, since, case_id)
        unread = await message_views.unacknowledged(session, [case_id])
        new = await message_views.case_new_messages(session, caller.subject, [case])
    row = views.InboxRow(case, stay, unread.get(case_id, 0), new.get(case_id, 0))
    return CaseOut.of(row, datetime.now(UTC))


@router.get("/cases/{case_id}/messages", response_model=list[MessageOut], responses=NOT_FOUND)
async def case_messages(
    case_id: CaseIdPath, caller: Receiver, runtime: Runtime, since: ReadableSince
) -> list[MessageOut]:
    """The stay's messages as this receiver sees them (to all, to it, its own), with its own kvittens and which are
    new to the user since the opening of the stay before the latest (the latest is the one showing them); of a
    closed case, those up to its closing (ADR 0025)."""
    async with runtime.sessions() as session:
        case, _ = await own_case(session, caller, since, case_id)
        opened = await message_views.seen_since(session, case.stay_id, caller.subject)
        found = await message_views.timeline(session, case.stay_id, party(caller), opened, case.closed_at)
    return [MessageOut(**row) for row in found]


@router.post(
    "/cases/{case_id}/messages/{message_id}/acknowledgement",
    status_code=201,
    response_model=MessageOut,
    responses={**CONFLICT, 200: {"description": "Acknowledged before: the same kvittens"}},
)
async def acknowledge(
    response: Response,
    case_id: CaseIdPath,
    message_id: Annotated[str, Path(max_length=64)],
    caller: Receiver,
    runtime: Runtime,
    since: ReadableSince,
) -> MessageOut:
    """Kvittens: the case's receiver has read the message, by the person calling. Its own messages are refused
    (409); one it cannot see is 404."""
    async with runtime.transaction() as session:
        case, _ = await own_case(session, caller, since, case_id)
        done = await messaging.acknowledge(session, case, message_id, caller.subject)
        if done is None:
            raise HTTPException(404, f"no message {message_id} on stay {case.stay_id}")
        found = await message_views.timeline(session, case.stay_id, party(caller), None)
        if not done[1]:
            answered_with(response, 200)
    return MessageOut(**next(row for row in found if row["message_id"] == message_id))


@router.post("/cases/{case_id}/return", response_model=CaseOut, responses=CONFLICT)
async def return_case(
    body: CaseReturnIn, case_id: CaseIdPath, caller: Receiver, runtime: Runtime, since: ReadableSince
) -> CaseOut:
    """Return a misrouted case (wrong municipality or vårdcentral) to the ward with the reason: the case closes
    (`case_returned`) and the ward sees it on the stay and in its lists, to correct or cancel the notice."""
    async with runtime.transaction() as session:
        case, _ = await own_case(session, caller, since, case_id)
        await commands.return_case(session, case, body.reason, caller.subject)
    return await _case_out(runtime, caller, since, case_id)


@router.post("/cases/{case_id}/closing", response_model=CaseOut, responses=CONFLICT)
async def close_case(
    case_id: CaseIdPath, caller: Receiver, runtime: Runtime, since: ReadableSince, body: CaseClosingIn | None = None
) -> CaseOut:
    """Avsluta ärende: the receiver closes its case, after the patient's discharge only (409 before)."""
    async with runtime.transaction() as session:
        case, _ = await own_case(session, caller, since, case_id)
        await commands.close_case(session, case, body.reason if body else None, caller.subject)
    return await _case_out(runtime, caller, since, case_id)
