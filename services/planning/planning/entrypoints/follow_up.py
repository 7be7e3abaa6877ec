"""Follow-up per unit and month (domain §4): deadlines kept and breached, and where patients went. Counts only, no
patient: for finance and admin over every unit, for a ward over its own (ADR 0011)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from planning.domain.follow_up import follow_up
from planning.entrypoints.schemas import UnitMonthOut
from planning.service_layer import views
from svu_shared.auth import Principal
from svu_shared.deps import HSA_ID_PATTERN, Runtime, role

router = APIRouter(tags=["planning"])
FollowsUp = Annotated[Principal, Depends(role("ward", "finance", "admin"))]


@router.get(
    "/follow-up", response_model=list[UnitMonthOut], summary="Deadlines kept and stays by destination, per unit"
)
async def follow_up_month(
    caller: FollowsUp,
    runtime: Runtime,
    month: Annotated[
        str, Query(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM, a calendar month in Sweden")
    ],
    care_unit: Annotated[str | None, Query(pattern=HSA_ID_PATTERN)] = None,
) -> list[UnitMonthOut]:
    """Counts only, no patient: for finance and admin over every unit, for a ward over its own."""
    if caller.role == "ward":
        if care_unit not in (None, caller.org):
            raise HTTPException(403, f"a ward follows up its own unit ({caller.org})")
        care_unit = caller.org
    async with runtime.sessions() as session:
        stays = await views.stays_of_month(session, month)
    units = follow_up(stays, month, datetime.now(UTC))
    return [UnitMonthOut.of(unit) for unit in units if care_unit in (None, unit.care_unit)]
