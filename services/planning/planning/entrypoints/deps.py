"""What planning's routes ask FastAPI for beyond `svu_shared.deps` (ADR 0013): the case id in a path, the callers
each route is for, and who may see a stay or a case (ADR 0011: a foreign stay or case is 404, a forbidden role 403)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Path
from sqlalchemy.ext.asyncio import AsyncSession

from planning.domain.case import Case, case_id
from planning.domain.message import Party
from planning.domain.stay import PlannedStay
from planning.service_layer import views
from svu_shared.audit import note_stays
from svu_shared.auth import Principal, may_see_stay, read_access_open
from svu_shared.contracts.base import CASE_ID_MAX_LENGTH
from svu_shared.deps import role

# A case id is `<stay id>:<receiver kind>:<receiver id>`, up to the length of its longest parts (ADR 0012).
CaseIdPath = Annotated[str, Path(pattern=rf"^[A-Za-z0-9_.:-]{{1,{CASE_ID_MAX_LENGTH}}}$")]
KOMMUNKOD_PATTERN = r"^\d{4}$"

CLINICAL = ("ward", "municipality", "primary_care")
Clinician = Annotated[Principal, Depends(role(*CLINICAL))]
RECEIVERS = ("municipality", "primary_care")
Receiver = Annotated[Principal, Depends(role(*RECEIVERS))]
Ward = Annotated[Principal, Depends(role("ward"))]


def party(caller: Principal) -> Party:
    """The caller's party of a stay: its role and organisation (a clinician's)."""
    return Party(caller.role, caller.org)


def may_see(caller: Principal, since: datetime, stay: PlannedStay) -> bool:
    """Whether the caller takes part in the stay's care (Patientdatalagen, ADR 0011), while the read access after
    its discharge lasts (`since`, 4 kap. 1 §, ADR 0025)."""
    units = [stay.primary_care_unit] if stay.primary_care_unit else []
    return read_access_open(stay.discharged_at, since) and may_see_stay(
        caller, municipality=stay.municipality, wards=stay.wards, primary_care_units=units
    )


def may_act(caller: Principal, since: datetime, act: str, stay: PlannedStay) -> bool:
    """Whether the caller sees the stay (else 404); a ward that sees it but no longer has the patient is refused
    in the rule's words (409, ADR 0025)."""
    if not may_see(caller, since, stay):
        return False
    if caller.role == "ward":
        stay.check_has_patient(caller.org, act)
    return True


def visible(caller: Principal, since: datetime, stay: PlannedStay | None) -> PlannedStay:
    """The stay, if the caller takes part in its care; otherwise 404: its existence is not shown (ADR 0011)."""
    if stay is None or not may_see(caller, since, stay):
        raise HTTPException(404, "no such stay")
    return stay


@dataclass(frozen=True)
class Seen:
    """A stay as one caller reads it (ADR 0025): `until` is its closed case's closing, after which it is shown
    nothing (None: the stay as it is)."""

    stay: PlannedStay
    until: datetime | None = None
    case: Case | None = None


async def seen_stay(session: AsyncSession, caller: Principal, since: datetime, stay_id: str) -> Seen:
    """A receiver whose case on the stay closed (a vårdcentral corrected away, a move, a returned or closed case)
    reads the stay as it was when the case closed, and nothing after (ADR 0025); anyone else the stay as it is, if
    they take part in its care. 404 otherwise, and for every caller once the read access after discharge ended."""
    stay = await views.stay(session, stay_id)
    if stay is None or not read_access_open(stay.discharged_at, since):
        raise HTTPException(404, "no such stay")
    if caller.role == "municipality" or caller.role == "primary_care":
        closed = await views.closed_case(session, case_id(stay_id, caller.role, caller.org))
        if closed is not None:
            return Seen(closed[1] or stay, closed[0].closed_at, closed[0])
    return Seen(visible(caller, since, stay))


async def own_case(session: AsyncSession, caller: Principal, since: datetime, case_id: str) -> tuple[Case, PlannedStay]:
    """The caller's own case (a receiver sees only its cases) and its stay as the receiver reads it (`seen_stay`);
    404 otherwise."""
    found = await views.case_with_stay(session, case_id, since)
    if found is None or (found[0].receiver_kind, found[0].receiver_id) != (caller.role, caller.org):
        raise HTTPException(404, f"no case {case_id}")
    note_stays([found[0].stay_id])  # the stay of the loaded case, not a part of the id (ADR 0024)
    return found
