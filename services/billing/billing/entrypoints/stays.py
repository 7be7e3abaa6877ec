"""A stay as billing sees it: its ready periods, each with the events that opened and closed it (domain §3.1 rule 2),
so an invoice line can be traced to the event log."""

from fastapi import APIRouter, HTTPException

from billing.entrypoints.deps import BillReader
from billing.entrypoints.schemas import StayTimelineOut
from billing.service_layer import views
from svu_shared.deps import Runtime, StayIdPath

router = APIRouter(tags=["billing"])


@router.get(
    "/stays/{stay_id}/ready-periods",
    response_model=StayTimelineOut,
    responses={404: {"description": "Billing has no event of this stay"}},
)
async def ready_periods(stay_id: StayIdPath, caller: BillReader, runtime: Runtime) -> StayTimelineOut:
    """For finance and admin (tracing an invoice line to its events), and for the stay's own municipality (each that
    had the patient, when the patient moved during the stay)."""
    async with runtime.sessions() as session:
        timeline = await views.timeline_of(session, stay_id)
    # Another municipality's stay is not shown to exist (ADR 0011).
    if timeline is None or (caller.role == "municipality" and caller.org not in timeline.municipalities):
        raise HTTPException(404, f"billing has no event of stay {stay_id}")
    return StayTimelineOut.of(timeline)
