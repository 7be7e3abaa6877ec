"""The ward's due list (Att göra, domain §4-5): each of its patients with what is due and overdue on the stay,
whoever owes it, in words; overdue first. For wards, over their own unit (ADR 0011, ADR 0014)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from planning.entrypoints.deps import Ward
from planning.entrypoints.schemas import DueRowOut, Page
from planning.service_layer import message_views, views
from svu_shared.audit import note_stays
from svu_shared.deps import HSA_ID_PATTERN, Limit, Offset, ReadableSince, Runtime

router = APIRouter(tags=["planning"])


@router.get("/due", response_model=Page[DueRowOut], summary="The ward's due list: what is due on each of its patients")
async def ward_due(
    request: Request,
    caller: Ward,
    runtime: Runtime,
    since: ReadableSince,
    care_unit: Annotated[str | None, Query(pattern=HSA_ID_PATTERN, description="The ward's own HSA-id")] = None,
    overdue: Annotated[bool, Query(description="Only patients with something overdue (förfallen)")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[DueRowOut]:
    """The ward's patients (on the ward now) with anything due: the ward's kartläggning, information at discharge
    (no later than the day of discharge), a returned case's correction, and the receivers' steps (care contact,
    SIP decision and invitation, decision before discharge), each with who owes it; and how many messages of the
    other parties the ward has not acknowledged."""
    if care_unit not in (None, caller.org):
        raise HTTPException(403, f"a ward sees its own due list only ({caller.org})")
    now = datetime.now(UTC)
    async with runtime.sessions() as session:
        rows, total = await views.ward_due(
            session, caller.org, overdue=overdue, limit=limit, offset=offset, now=now, since=since
        )
        unread = await message_views.ward_unacknowledged(session, [row.stay.stay_id for row in rows])
    note_stays(row.stay.stay_id for row in rows)  # one audit row naming them (ADR 0011, 0025)
    items = [DueRowOut.of(row.stay, row.due, unread.get(row.stay.stay_id, 0)) for row in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)
