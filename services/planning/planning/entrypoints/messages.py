"""A stay's messages (domain §2, §5; ADR 0014): the timeline each party sees, a meddelande from one party to all or
one, and the ward's kvittens of the other parties' messages (a receiver's is on its case, `cases.py`)."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from planning.entrypoints.deps import Clinician, Ward, may_act, party, seen_stay, visible
from planning.entrypoints.message_schemas import MessageIn, MessageOut
from planning.entrypoints.schemas import CONFLICT, NOT_FOUND
from planning.service_layer import message_views, messaging, views
from svu_shared.audit import answered_with
from svu_shared.deps import ReadableSince, Runtime, StayIdPath

router = APIRouter(tags=["planning"])


@router.get("/stays/{stay_id}/messages", response_model=list[MessageOut], responses=NOT_FOUND)
async def stay_messages(
    stay_id: StayIdPath, caller: Clinician, runtime: Runtime, since: ReadableSince
) -> list[MessageOut]:
    """The stay's timeline as the caller's party sees it (to all, to it, its own): each message with its sender,
    text, every party's kvittens (who, when) and whether it is new to the user since the opening of the stay
    before the latest (the latest is the one showing it). A receiver whose case closed reads those up to the
    closing (ADR 0025)."""
    async with runtime.sessions() as session:
        seen = await seen_stay(session, caller, since, stay_id)
        opened = await message_views.seen_since(session, stay_id, caller.subject)
        found = await message_views.timeline(session, stay_id, party(caller), opened, seen.until)
    return [MessageOut(**row) for row in found]


@router.post("/stays/{stay_id}/messages", status_code=201, response_model=MessageOut, responses=CONFLICT)
async def send_message(
    body: MessageIn, stay_id: StayIdPath, caller: Clinician, runtime: Runtime, since: ReadableSince
) -> MessageOut:
    """Meddelande: free text from the caller's party to every party of the stay or to one (`to`); it is a message
    of the stay like every other, acknowledged by those it goes to."""
    to = None if body.to == "all" else body.to
    async with runtime.transaction() as session:
        sent = await messaging.send(
            session,
            stay_id,
            party(caller),
            caller.subject,
            to,
            body.text,
            partial(may_act, caller, since, "writes messages"),
        )
        if sent is None:
            raise HTTPException(404, "no such stay")
        found = await message_views.timeline(session, stay_id, party(caller), None)
    return MessageOut(**next(row for row in found if row["message_id"] == sent))


@router.post(
    "/stays/{stay_id}/messages/{message_id}/acknowledgement",
    status_code=201,
    response_model=MessageOut,
    responses={**CONFLICT, 200: {"description": "Acknowledged before: the same kvittens"}},
)
async def acknowledge_by_ward(
    response: Response,
    stay_id: StayIdPath,
    message_id: Annotated[str, Path(max_length=64)],
    caller: Ward,
    runtime: Runtime,
    since: ReadableSince,
) -> MessageOut:
    """Kvittens by the ward: it has read another party's message (the municipality's decision, the vårdcentral's
    steps, a meddelande), by the person calling; once per message for the ward side. Its own are refused (409)."""
    async with runtime.transaction() as session:
        visible(caller, since, await views.stay(session, stay_id)).check_has_patient(caller.org, "acknowledges")
        done = await messaging.acknowledge_by_ward(session, stay_id, caller.org, message_id, caller.subject)
        if done is None:
            raise HTTPException(404, f"no message {message_id} on stay {stay_id}")
        found = await message_views.timeline(session, stay_id, party(caller), None)
        if not done[1]:
            answered_with(response, 200)
    return MessageOut(**next(row for row in found if row["message_id"] == message_id))
