"""HTTP API of the billing service (finance)."""

from datetime import datetime

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel

from billing.service_layer import handlers
from svu_shared.auth import principal_of, require_role
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["billing"])


class ReadyPeriodOut(BaseModel):
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str | None


class StayTimelineOut(BaseModel):
    stay_id: str
    municipality: str | None
    care_type: str
    discharged_at: datetime | None
    periods: list[ReadyPeriodOut]
    anomalies: list[str]
    event_ids: list[str]


@router.get(
    "/stays/{stay_id}/ready-periods",
    response_model=StayTimelineOut,
    responses={404: {"description": "Billing has no event of this stay"}},
)
async def ready_periods(request: Request, stay_id: str = Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")) -> StayTimelineOut:
    """For finance and admin (tracing an invoice line to its events), and for the stay's own municipality."""
    principal = principal_of(request)
    require_role(principal, "finance", "admin", "municipality")
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.sessions() as session:
        timeline = await handlers.timeline_of(session, stay_id)
    if timeline is None or (principal.role == "municipality" and timeline.municipality != principal.org):
        raise HTTPException(404, f"billing has no event of stay {stay_id}")
    return StayTimelineOut(
        stay_id=timeline.stay_id,
        municipality=timeline.municipality,
        care_type=timeline.care_type,
        discharged_at=timeline.discharged_at,
        periods=[ReadyPeriodOut(**p.__dict__) for p in timeline.periods],
        anomalies=list(timeline.anomalies),
        event_ids=list(timeline.event_ids),
    )
