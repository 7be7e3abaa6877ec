"""HTTP API of the discharge service: the wards that have had the stay record on it; they and the patient's
municipality read it."""

from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from discharge.domain.timeline import DischargeTimeline
from discharge.entrypoints.schemas import (
    BackdatingIn,
    DischargeIn,
    DischargeReadyIn,
    EstimateIn,
    InformationIn,
    TimelineOut,
    WithdrawalIn,
)
from discharge.service_layer import handlers
from svu_shared.auth import Principal, may_see_stay, read_access_open
from svu_shared.deps import ReadableSince, Runtime, StayIdPath, role

router = APIRouter(tags=["discharge"])
Ward = Annotated[Principal, Depends(role("ward"))]
Reader = Annotated[Principal, Depends(role("ward", "municipality"))]
Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's `responses=`
CONFLICT: Responses = {409: {"description": "The process does not allow this now; the message names the rule"}}
NOT_FOUND: Responses = {404: {"description": "No such stay with an admission notice from the caller's unit"}}


def may_see(caller: Principal, since: datetime, timeline: DischargeTimeline) -> bool:
    """The wards the stay has been on and the patient's municipality, both from the admission events (ADR 0011),
    until the read access after discharge ends (`since`, ADR 0025)."""
    return read_access_open(timeline.discharged_at, since) and may_see_stay(
        caller, municipality=timeline.municipality, wards=timeline.wards, primary_care_units=[]
    )


def may_act(ward: Principal, since: datetime, act: str, timeline: DischargeTimeline) -> bool:
    """Whether the ward sees the stay (else 404); a ward that sees it but no longer has the patient is refused in
    the rule's words (409, ADR 0025)."""
    if not may_see(ward, since, timeline):
        return False
    timeline.check_has_patient(ward.org, act)
    return True


def _out(timeline: DischargeTimeline | None, stay_id: str) -> TimelineOut:
    if timeline is None:  # also before the admission notice came: the ward's client retries (ADR 0011)
        raise HTTPException(404, f"no stay {stay_id} with an admission notice from your unit")
    return TimelineOut.of(timeline, datetime.now(UTC))


@router.post("/stays/{stay_id}/discharge-ready", status_code=201, response_model=TimelineOut, responses=CONFLICT)
async def notify_discharge_ready(
    stay_id: StayIdPath, body: DischargeReadyIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> TimelineOut:
    """Underrättelse om utskrivningsklar: sent when the server receives it, which starts the payment clock (a
    client's `sent_at` is refused, 422); a notice sent earlier on paper is backdated separately, with a reason."""
    received_at = datetime.now(UTC)
    async with runtime.transaction() as session:
        timeline = await handlers.notify_ready(
            session, stay_id, body.judged_at, received_at, partial(may_act, ward, since, "records discharge-ready")
        )
    return _out(timeline, stay_id)


@router.post(
    "/stays/{stay_id}/discharge-ready/backdating",
    status_code=201,
    response_model=TimelineOut,
    responses={**CONFLICT, **NOT_FOUND},
)
async def backdate_discharge_ready(
    stay_id: StayIdPath, body: BackdatingIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> TimelineOut:
    """Rättelse av sändningstid: the notice of the open (or latest) ready period was sent earlier, on paper during an
    outage. Once per notice; not after its receipt, not before the physician's judgement, not in the future."""
    now = datetime.now(UTC)
    async with runtime.transaction() as session:
        timeline = await handlers.backdate_ready(
            session, stay_id, body.sent_at, body.reason, now, partial(may_act, ward, since, "backdates its notice")
        )
    return _out(timeline, stay_id)


@router.post(
    "/stays/{stay_id}/discharge-ready/withdrawal", status_code=201, response_model=TimelineOut, responses=CONFLICT
)
async def withdraw_discharge_ready(
    stay_id: StayIdPath, body: WithdrawalIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> TimelineOut:
    at = body.withdrawn_at or datetime.now(UTC)
    async with runtime.transaction() as session:
        timeline = await handlers.withdraw_ready(
            session, stay_id, body.reason, at, partial(may_act, ward, since, "withdraws its notice")
        )
    return _out(timeline, stay_id)


@router.put("/stays/{stay_id}/estimated-discharge-date", response_model=TimelineOut, responses=CONFLICT)
async def change_estimated_date(
    stay_id: StayIdPath, body: EstimateIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> TimelineOut:
    estimated, now = body.estimated_discharge_date, datetime.now(UTC)
    async with runtime.transaction() as session:
        timeline = await handlers.change_estimated_date(
            session, stay_id, estimated, now, partial(may_act, ward, since, "changes the estimated discharge date")
        )
    return _out(timeline, stay_id)


@router.post("/stays/{stay_id}/discharge-information", status_code=201, response_model=TimelineOut, responses=CONFLICT)
async def send_discharge_information(
    stay_id: StayIdPath, body: InformationIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> TimelineOut:
    async with runtime.transaction() as session:
        timeline = await handlers.send_information(
            session,
            stay_id,
            body.epicrisis_sent_at,
            body.medication_list_sent_at,
            partial(may_act, ward, since, "records the information at discharge"),
        )
    return _out(timeline, stay_id)


@router.post("/stays/{stay_id}/discharge", status_code=201, response_model=TimelineOut, responses=CONFLICT)
async def discharge_patient(
    stay_id: StayIdPath, body: DischargeIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> TimelineOut:
    async with runtime.transaction() as session:
        timeline = await handlers.discharge_patient(
            session,
            stay_id,
            body.discharged_at,
            body.destination,
            partial(may_act, ward, since, "discharges the patient"),
        )
    return _out(timeline, stay_id)


@router.get("/stays/{stay_id}", response_model=TimelineOut, responses={404: {"description": "No such stay"}})
async def get_timeline(stay_id: StayIdPath, reader: Reader, runtime: Runtime, since: ReadableSince) -> TimelineOut:
    async with runtime.sessions() as session:
        timeline = await handlers.get_timeline(session, stay_id, partial(may_see, reader, since))
    return _out(timeline, stay_id)
