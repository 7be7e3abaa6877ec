"""HTTP API of the discharge service (wards)."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from discharge.domain.timeline import DischargeRuleBroken, DischargeTimeline
from discharge.service_layer import handlers
from svu_shared.auth import Principal, may_see_stay, principal_of, require_role
from svu_shared.contracts import (
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    PatientDischarged,
)
from svu_shared.contracts.discharge import Destination
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["discharge"])
StayId = Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="Vårdtillfälle id")
Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's `responses=`
CONFLICT: Responses = {409: {"description": "The process does not allow this now; the message names the rule"}}


class DischargeReadyIn(BaseModel):
    """Underrättelse om utskrivningsklar."""

    model_config = ConfigDict(extra="forbid")
    judged_at: AwareDatetime = Field(description="When the physician judged the patient discharge-ready")
    sent_at: AwareDatetime | None = Field(None, description="Defaults to now; starts the payment clock")


class WithdrawalIn(BaseModel):
    """Återkallelse av utskrivningsklar."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
    withdrawn_at: AwareDatetime | None = Field(None, description="Defaults to now")


class DischargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    discharged_at: AwareDatetime
    destination: Destination


class EstimateIn(BaseModel):
    """Beräknat utskrivningsdatum."""

    model_config = ConfigDict(extra="forbid")
    estimated_discharge_date: date


class InformationIn(BaseModel):
    """Information vid utskrivning: when each document was sent (the documents stay in the medical record)."""

    model_config = ConfigDict(extra="forbid")
    epicrisis_sent_at: AwareDatetime | None = Field(None, description="Epikris sent")
    medication_list_sent_at: AwareDatetime | None = Field(None, description="Läkemedelslista sent")


class TimelineOut(BaseModel):
    stay_id: str
    status: str
    ready_since: datetime | None
    discharged_at: datetime | None
    destination: str | None
    estimated_discharge_date: date | None
    epicrisis_sent_at: datetime | None
    medication_list_sent_at: datetime | None
    withdrawals: int
    municipality: str | None
    wards: list[str]


def _visible(principal: Principal, timeline: DischargeTimeline | None, stay_id: str) -> DischargeTimeline:
    """The stay, if the caller takes part in its care; 404 otherwise (also before the admission notice came)."""
    if timeline is None or not may_see_stay(
        principal, municipality=timeline.municipality, wards=timeline.wards, primary_care_units=[]
    ):
        raise HTTPException(404, f"no stay {stay_id} with an admission notice from your unit")
    return timeline


async def _record(request: Request, stay_id: str, change, event) -> TimelineOut:  # type: ignore[no-untyped-def]
    """A ward's change of a stay it has (admitted or received by transfer), with its event."""
    principal = principal_of(request)
    require_role(principal, "ward")
    runtime: ServiceRuntime = request.app.state.runtime
    try:
        async with runtime.transaction() as session:
            _visible(principal, await handlers.load(session, stay_id), stay_id)
            timeline = await handlers.record(session, stay_id, change, event)
    except DischargeRuleBroken as exc:
        raise HTTPException(409, str(exc)) from None
    return _out(timeline)


def _out(timeline: DischargeTimeline) -> TimelineOut:
    return TimelineOut(**{**timeline.__dict__, "status": str(timeline.status), "wards": list(timeline.wards)})


@router.post("/stays/{stay_id}/discharge-ready", status_code=201, response_model=TimelineOut, responses=CONFLICT)
async def notify_discharge_ready(body: DischargeReadyIn, request: Request, stay_id: str = StayId) -> TimelineOut:
    sent_at = body.sent_at or datetime.now(UTC)
    event = DischargeReadyNotified(stay_id=stay_id, judged_at=body.judged_at, sent_at=sent_at)
    return await _record(request, stay_id, lambda t: t.notify_ready(body.judged_at, sent_at), event)


@router.post(
    "/stays/{stay_id}/discharge-ready/withdrawal", status_code=201, response_model=TimelineOut, responses=CONFLICT
)
async def withdraw_discharge_ready(body: WithdrawalIn, request: Request, stay_id: str = StayId) -> TimelineOut:
    at = body.withdrawn_at or datetime.now(UTC)
    event = DischargeReadyWithdrawn(stay_id=stay_id, withdrawn_at=at, reason=body.reason)
    return await _record(request, stay_id, lambda t: t.withdraw(at), event)


@router.put("/stays/{stay_id}/estimated-discharge-date", response_model=TimelineOut, responses=CONFLICT)
async def change_estimated_date(body: EstimateIn, request: Request, stay_id: str = StayId) -> TimelineOut:
    estimated = body.estimated_discharge_date
    event = EstimatedDischargeDateChanged(
        stay_id=stay_id, estimated_discharge_date=estimated, changed_at=datetime.now(UTC)
    )
    return await _record(request, stay_id, lambda t: t.estimate(estimated), event)


@router.post("/stays/{stay_id}/discharge-information", status_code=201, response_model=TimelineOut, responses=CONFLICT)
async def send_discharge_information(body: InformationIn, request: Request, stay_id: str = StayId) -> TimelineOut:
    event = DischargeInformationSent(stay_id=stay_id, **body.model_dump())
    return await _record(
        request, stay_id, lambda t: t.information_sent(body.epicrisis_sent_at, body.medication_list_sent_at), event
    )


@router.post("/stays/{stay_id}/discharge", status_code=201, response_model=TimelineOut, responses=CONFLICT)
async def discharge_patient(body: DischargeIn, request: Request, stay_id: str = StayId) -> TimelineOut:
    event = PatientDischarged(stay_id=stay_id, discharged_at=body.discharged_at, destination=body.destination)
    return await _record(request, stay_id, lambda t: t.discharge(body.discharged_at, body.destination), event)


@router.get("/stays/{stay_id}", response_model=TimelineOut, responses={404: {"description": "No such stay"}})
async def get_timeline(request: Request, stay_id: str = StayId) -> TimelineOut:
    principal = principal_of(request)
    require_role(principal, "ward", "municipality")
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.sessions() as session:
        timeline = _visible(principal, await handlers.load(session, stay_id), stay_id)
    return _out(timeline)
