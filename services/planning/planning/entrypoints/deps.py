"""What planning's routes ask FastAPI for beyond `svu_shared.deps` (ADR 0013): the case id in a path, the callers
each route is for, and who may see a stay or a case (ADR 0011: a foreign stay or case is 404, a forbidden role 403)."""

from typing import Annotated

from fastapi import Depends, HTTPException, Path
from sqlalchemy.ext.asyncio import AsyncSession

from planning.domain.case import Case
from planning.domain.message import Party
from planning.domain.stay import PlannedStay
from planning.service_layer import views
from svu_shared.audit import note_stays
from svu_shared.auth import Principal, may_see_stay
from svu_shared.contracts.base import CASE_ID_MAX_LENGTH
from svu_shared.deps import role

# A case id is `<stay id>:<receiver kind>:<receiver id>`, up to the length of its longest parts (ADR 0012).
CaseIdPath = Annotated[str, Path(pattern=rf"^[A-Za-z0-9_.:-]{{1,{CASE_ID_MAX_LENGTH}}}$")]
KOMMUNKOD_PATTERN = r"^\d{4}$"

CLINICAL = ("ward", "municipality", "primary_care")
Clinician = Annotated[Principal, Depends(role(*CLINICAL))]
Receiver = Annotated[Principal, Depends(role("municipality", "primary_care"))]
Ward = Annotated[Principal, Depends(role("ward"))]


def party(caller: Principal) -> Party:
    """The caller's party of a stay: its role and organisation (a clinician's)."""
    return Party(caller.role, caller.org)


def may_see(caller: Principal, stay: PlannedStay) -> bool:
    """Whether the caller takes part in the stay's care (Patientdatalagen, ADR 0011)."""
    units = [stay.primary_care_unit] if stay.primary_care_unit else []
    return may_see_stay(caller, municipality=stay.municipality, wards=stay.wards, primary_care_units=units)


def visible(caller: Principal, stay: PlannedStay | None) -> PlannedStay:
    """The stay, if the caller takes part in its care; otherwise 404: its existence is not shown (ADR 0011)."""
    if stay is None or not may_see(caller, stay):
        raise HTTPException(404, "no such stay")
    return stay


async def own_case(session: AsyncSession, caller: Principal, case_id: str) -> tuple[Case, PlannedStay]:
    """The caller's own case (a receiver sees only its cases) and its stay; 404 otherwise."""
    found = await views.case_with_stay(session, case_id)
    if found is None or (found[0].receiver_kind, found[0].receiver_id) != (caller.role, caller.org):
        raise HTTPException(404, f"no case {case_id}")
    note_stays([found[0].stay_id])  # the stay of the loaded case, not a part of the id (ADR 0024)
    return found
