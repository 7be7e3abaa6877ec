"""What routes ask FastAPI for (ADR 0013), as `Annotated` dependencies and types in the manner of
fastapi/full-stack-fastapi-template's `api/deps.py`: the runtime, the authenticated caller with its role check,
and the ids every service takes (stay id, HSA-id, kommunkod), each written once.

    async def get_stay(stay_id: StayIdPath, caller: Caller, runtime: Runtime) -> StayOut: ...
    Ward = Annotated[Principal, Depends(role("ward"))]      # 403 naming the roles that may
    async def post_notice(body: NoticeIn, caller: Ward, runtime: Runtime) -> StayOut: ...

Transactions stay explicit (`async with runtime.transaction() as session:`): the commit must happen before the
answer is sent, which a dependency's exit code does not promise.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, StringConstraints

from svu_shared.auth import Principal, authenticate, require_role
from svu_shared.contracts.base import ID_MAX_LENGTH
from svu_shared.contracts.base import HsaId as HsaId  # re-exported: routes take their ids from here
from svu_shared.contracts.municipality import municipality_code_problem
from svu_shared.identifiers import HSA_ID_PATTERN as HSA_ID_PATTERN  # re-exported, as HsaId
from svu_shared.identifiers import checked_stay_id
from svu_shared.runtime import ServiceRuntime
from svu_shared.settings import ClinicalSettings

ID_PATTERN = rf"^[A-Za-z0-9_.:-]{{1,{ID_MAX_LENGTH}}}$"


def _kommunkod(value: str) -> str:
    if (problem := municipality_code_problem(value)) is not None:
        raise ValueError(problem)
    return value


# Types for request bodies and models. A stay id never looks like a personnummer; an HSA-id is one unit (ADR 0027).
StayId = Annotated[str, StringConstraints(pattern=ID_PATTERN), AfterValidator(checked_stay_id)]
Kommunkod = Annotated[str, AfterValidator(_kommunkod)]

# The same ids in a path or a query.
StayIdPath = Annotated[
    str, Path(pattern=ID_PATTERN, description="Vårdtillfälle (stay) id"), AfterValidator(checked_stay_id)
]
StayIdQuery = Annotated[
    str, Query(pattern=ID_PATTERN, description="Vårdtillfälle (stay) id"), AfterValidator(checked_stay_id)
]

# A page of a list (bounded: an offset beyond any list is refused, not a slow scan).
Limit = Annotated[int, Query(ge=1, le=1000, description="Rows in the page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows skipped before the page")]


async def _runtime(request: Request) -> ServiceRuntime:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hand-off on every request.
    return request.app.state.runtime  # type: ignore[no-any-return]


Runtime = Annotated[ServiceRuntime, Depends(_runtime)]


async def _readable_since(request: Request) -> datetime:
    settings = (await _runtime(request)).settings
    assert isinstance(settings, ClinicalSettings)  # a service keeping clinical records (ADR 0025)
    return datetime.now(UTC) - timedelta(days=settings.read_access_after_discharge_days)


# Stays discharged at or before this time are read by no one (Patientdatalagen 4 kap. 1 §, ADR 0025;
# `svu_shared.auth.read_access_open`).
ReadableSince = Annotated[datetime, Depends(_readable_since)]
Caller = Annotated[Principal, Depends(authenticate)]


def role(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """The dependency of a caller that must have one of `roles` (403 naming them otherwise):
    `Ward = Annotated[Principal, Depends(role("ward"))]`."""

    async def checked(caller: Caller) -> Principal:
        require_role(caller, *roles)
        return caller

    return checked
