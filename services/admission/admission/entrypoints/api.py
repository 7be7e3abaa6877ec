"""HTTP API of the admission service (wards)."""

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

from admission.domain.identity import InvalidPatientId, validate_patient_id
from admission.domain.notice import AdmissionNotice, InvalidNotice, NoticeRuleBroken
from admission.service_layer import handlers
from svu_shared.auth import Principal, may_see_stay, principal_of, require_role
from svu_shared.contracts.admission import CareType
from svu_shared.contracts.municipality import municipality_code_problem
from svu_shared.errors import unprocessable
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["admission"])


def _patient_id(value: str) -> str:
    try:
        return validate_patient_id(value)
    except InvalidPatientId as exc:
        raise ValueError(str(exc)) from None


def _kommunkod(value: str) -> str:
    if (problem := municipality_code_problem(value)) is not None:
        raise ValueError(problem)
    return value


class AdmissionNoticeIn(BaseModel):
    """Inskrivningsmeddelande as the ward posts it."""

    model_config = ConfigDict(extra="forbid")

    stay_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="Vårdtillfälle id; generated when absent"
    )
    patient_id: Annotated[str, AfterValidator(_patient_id)] = Field(
        description="Personnummer or samordningsnummer, 12 digits", examples=["191212121212"]
    )
    municipality: Annotated[str, AfterValidator(_kommunkod)] = Field(
        pattern=r"^\d{4}$", description="Kommunkod (one of SCB's 290) where the patient is folkbokförd"
    )
    care_unit: str = Field(min_length=1, max_length=64, description="HSA-id of the ward")
    care_type: CareType = "somatic"
    admitted_at: AwareDatetime
    support_needed_judged_at: AwareDatetime | None = Field(
        None, description="When the physician judged that support will be needed, if later than admission"
    )
    estimated_discharge_date: date | None = None
    primary_care_unit: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="HSA-id of the patient's vårdcentral, when known"
    )
    patient_name: str | None = Field(None, min_length=1, max_length=200)
    patient_address: str | None = Field(None, min_length=1, max_length=300)
    protected_identity: StrictBool = Field(
        False, description="Skyddad identitet: name and address stay in this service, shown to the wards only"
    )


class StayOut(BaseModel):
    stay_id: str
    patient_id: str
    municipality: str
    care_unit: str
    care_type: str
    admitted_at: datetime
    support_needed_judged_at: datetime | None
    estimated_discharge_date: date | None
    notice_sent_at: datetime
    notice_deadline: datetime
    notice_on_time: bool
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    primary_care_unit: str | None = None
    corrected_at: datetime | None = None
    protected_identity: bool = False
    patient_name: str | None = None
    patient_address: str | None = None


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def _stay_out(row: dict, principal: Principal) -> StayOut:
    out = StayOut(**row, notice_on_time=row["notice_sent_at"] <= row["notice_deadline"])
    if row["protected_identity"] and principal.role != "ward":
        return out.model_copy(update={"patient_name": None, "patient_address": None})
    return out


def _visible(principal: Principal, row: dict | None) -> bool:
    return row is not None and may_see_stay(
        principal,
        municipality=row["municipality"],
        wards=row["wards"],  # the wards that admitted it or received it by transfer
        primary_care_units=[row["primary_care_unit"]] if row["primary_care_unit"] else [],
    )


@router.post(
    "/admission-notices",
    status_code=201,
    response_model=StayOut,
    responses={
        200: {"description": "The same notice was recorded before (a retry): the stay as it is, no new event"},
        409: {"description": "The stay already has an admission notice with other content"},
    },
)
async def post_admission_notice(body: AdmissionNoticeIn, request: Request, response: Response) -> StayOut:
    principal = principal_of(request)
    require_role(principal, "ward")
    if body.care_unit != principal.org:
        raise HTTPException(403, f"a ward posts notices for its own unit ({principal.org}), not for {body.care_unit}")
    try:
        notice = AdmissionNotice(
            **body.model_dump(exclude={"stay_id"}),
            stay_id=body.stay_id or str(uuid.uuid4()),
            sent_at=datetime.now(UTC),
        )
        request.state.audit_stays = [notice.stay_id]
    except InvalidNotice as exc:
        raise unprocessable(("body", exc.field), str(exc)) from None
    try:
        async with _runtime(request).transaction() as session:
            created = await handlers.send_admission_notice(session, notice)
            # Read back in the same transaction: the answer is the stay as committed, with no second
            # round trip after the commit that could fail on its own.
            row = await handlers.get_stay(session, notice.stay_id)
    except NoticeRuleBroken as exc:
        raise HTTPException(409, str(exc)) from None
    if not created:
        response.status_code = 200
    assert row is not None
    return _stay_out(row, principal)


@router.get("/stays/{stay_id}", response_model=StayOut, responses={404: {"description": "No such stay"}})
async def get_stay(stay_id: str, request: Request) -> StayOut:
    principal = principal_of(request)
    require_role(principal, "ward", "municipality", "primary_care")
    async with _runtime(request).sessions() as session:
        row = await handlers.get_stay(session, stay_id)
    if row is None or not _visible(principal, row):
        raise HTTPException(404, f"no stay {stay_id}")  # a stay of another unit is not shown to exist
    return _stay_out(row, principal)


class CancellationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, description="Why the notice is cancelled (makulerad)")


class CorrectionIn(BaseModel):
    """Rättelse: only the fields present change (null clears an optional one)."""

    model_config = ConfigDict(extra="forbid")
    admitted_at: AwareDatetime | None = None
    support_needed_judged_at: AwareDatetime | None = None
    primary_care_unit: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    reason: str = Field(min_length=1, max_length=500, description="Why the notice is corrected")


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_care_unit: str = Field(min_length=1, max_length=64, description="HSA-id of the receiving ward")
    transferred_at: AwareDatetime | None = Field(None, description="When the patient moved; now when absent")


STAY_ACTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such stay"},
    409: {"description": "The process does not allow it; the message names the rule"},
}


async def _stay_action(request: Request, stay_id: str, action) -> StayOut:  # type: ignore[no-untyped-def]
    """Runs `action(session)` in one transaction with its event, for a ward that has the stay; 404 for an unknown
    stay (or another ward's), 409 for a rule."""
    principal = principal_of(request)
    require_role(principal, "ward")
    try:
        async with _runtime(request).transaction() as session:
            if not _visible(principal, await handlers.get_stay(session, stay_id)) or not await action(session):
                raise HTTPException(404, f"no stay {stay_id}")
            row = await handlers.get_stay(session, stay_id)
    except NoticeRuleBroken as exc:
        raise HTTPException(409, str(exc)) from None
    assert row is not None
    return _stay_out(row, principal)


@router.post("/stays/{stay_id}/cancellation", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def cancel_notice(stay_id: str, body: CancellationIn, request: Request) -> StayOut:
    """Makulering: the notice was sent in error. Receivers' cases close; the stay cannot be changed after."""
    now = datetime.now(UTC)
    return await _stay_action(request, stay_id, lambda s: handlers.cancel_notice(s, stay_id, body.reason, now))


@router.post("/stays/{stay_id}/transfers", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def transfer_patient(stay_id: str, body: TransferIn, request: Request) -> StayOut:
    """The patient moves to another ward: the same stay and cases, the receiving ward takes over."""
    at = body.transferred_at or datetime.now(UTC)
    return await _stay_action(request, stay_id, lambda s: handlers.transfer_patient(s, stay_id, body.to_care_unit, at))


@router.post("/stays/{stay_id}/corrections", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def correct_notice(stay_id: str, body: CorrectionIn, request: Request) -> StayOut:
    """Rättelse of the admission time, the physician's judgement time or the patient's vårdcentral. The deadline
    follows the corrected times; receivers get the corrected notice. The municipality and the patient cannot be
    corrected: cancel the notice and send a new one."""
    changes = body.model_dump(include=body.model_fields_set - {"reason"})
    if changes.get("admitted_at", True) is None:
        raise unprocessable(("body", "admitted_at"), "admitted_at cannot be cleared")
    now = datetime.now(UTC)
    try:
        return await _stay_action(
            request, stay_id, lambda s: handlers.correct_notice(s, stay_id, changes, body.reason, now)
        )
    except InvalidNotice as exc:  # the corrected times contradict each other (judgement before admission)
        raise unprocessable(("body", exc.field), str(exc)) from None
