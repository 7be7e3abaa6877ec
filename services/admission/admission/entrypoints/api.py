"""HTTP API of the admission service: wards post and change notices, the stay's receivers read them."""

from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from admission.domain.notice import AdmissionNotice, InvalidNotice
from admission.entrypoints.schemas import (
    AdmissionNoticeIn,
    CancellationIn,
    CorrectionIn,
    InterruptionIn,
    StayOut,
    StayPage,
    StaySearchIn,
    TransferIn,
)
from admission.service_layer import handlers
from svu_shared.audit import answered_with, note_stays
from svu_shared.auth import Principal, may_see_stay, read_access_open
from svu_shared.deps import Limit, Offset, ReadableSince, Runtime, StayIdPath, role
from svu_shared.errors import unprocessable
from svu_shared.identifiers import new_stay_id

router = APIRouter(tags=["admission"])
Ward = Annotated[Principal, Depends(role("ward"))]
Reader = Annotated[Principal, Depends(role("ward", "municipality", "primary_care"))]
STAY_ACTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such stay"},
    409: {"description": "The process does not allow it; the message names the rule"},
}


def may_see(caller: Principal, since: datetime, notice: AdmissionNotice) -> bool:
    """The wards the stay has been on, the patient's municipality and the vårdcentral on the notice (ADR 0011),
    while the read access after the discharge lasts (`since`, Patientdatalagen 4 kap. 1 §, ADR 0025)."""
    units = [notice.primary_care_unit] if notice.primary_care_unit else []
    return read_access_open(notice.discharged_at, since) and may_see_stay(
        caller, municipality=notice.municipality, wards=notice.wards, primary_care_units=units
    )


def may_act(caller: Principal, since: datetime, notice: AdmissionNotice) -> bool:
    """Whether the caller sees the stay (else 404); a ward that sees it but no longer has the patient is refused
    in the rule's words (409, ADR 0025)."""
    if not may_see(caller, since, notice):
        return False
    notice.check_has_patient(caller.org, "acts on the stay")
    return True


def _found(notice: AdmissionNotice | None, stay_id: str) -> AdmissionNotice:
    if notice is None:
        raise HTTPException(404, f"no stay {stay_id}")  # a stay of another unit is not shown to exist (ADR 0011)
    return notice


def _stay_out(notice: AdmissionNotice, caller: Principal) -> StayOut:
    out = StayOut(
        **{name: getattr(notice, name) for name in StayOut.model_fields if hasattr(notice, name)},
        notice_sent_at=notice.sent_at,
        notice_deadline=notice.deadline,
        notice_on_time=notice.on_time,
    )
    if notice.protected_identity and caller.role != "ward":  # skyddad identitet: the wards only (ADR 0011)
        return out.model_copy(update={"patient_name": None, "patient_address": None})
    return out


@router.post(
    "/admission-notices",
    status_code=201,
    response_model=StayOut,
    responses={
        200: {"description": "The same notice was recorded before (a retry): the stay as it is, no new event"},
        409: {"description": "The stay already has an admission notice with other content"},
    },
)
async def post_admission_notice(
    body: AdmissionNoticeIn, ward: Ward, runtime: Runtime, request: Request, response: Response
) -> StayOut:
    if body.care_unit != ward.org:
        raise HTTPException(403, f"a ward posts notices for its own unit ({ward.org}), not for {body.care_unit}")
    try:
        notice = AdmissionNotice(
            **body.model_dump(exclude={"stay_id"}),
            stay_id=body.stay_id or new_stay_id(),
            sent_at=datetime.now(UTC),
        )
    except InvalidNotice as exc:
        raise unprocessable(("body", exc.field), str(exc)) from None
    note_stays([notice.stay_id])  # the path names no stay: the audit log gets it here
    async with runtime.transaction() as session:
        stay, created = await handlers.send_admission_notice(session, notice)
        if not created:
            answered_with(response, 200)
    return _stay_out(stay, ward)


@router.get("/stays/{stay_id}", response_model=StayOut, responses={404: {"description": "No such stay"}})
async def get_stay(stay_id: StayIdPath, reader: Reader, runtime: Runtime, since: ReadableSince) -> StayOut:
    async with runtime.sessions() as session:
        stay = await handlers.get_stay(session, stay_id, partial(may_see, reader, since))
    return _stay_out(_found(stay, stay_id), reader)


@router.post("/stays/{stay_id}/cancellation", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def cancel_notice(
    stay_id: StayIdPath, body: CancellationIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> StayOut:
    """Makulering: the notice was sent in error. Receivers' cases close; the stay cannot be changed after."""
    async with runtime.transaction() as session:
        stay = await handlers.cancel_notice(
            session, stay_id, body.reason, datetime.now(UTC), partial(may_act, ward, since)
        )
    return _stay_out(_found(stay, stay_id), ward)


@router.post("/stays/{stay_id}/transfers", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def transfer_patient(
    stay_id: StayIdPath, body: TransferIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> StayOut:
    """The patient moves to another ward: the same stay and cases, the receiving ward takes over."""
    at = body.transferred_at or datetime.now(UTC)
    async with runtime.transaction() as session:
        stay = await handlers.transfer_patient(session, stay_id, body.to_care_unit, at, partial(may_act, ward, since))
    return _stay_out(_found(stay, stay_id), ward)


@router.post("/stays/{stay_id}/corrections", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def correct_notice(
    stay_id: StayIdPath, body: CorrectionIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> StayOut:
    """Rättelse of the admission time, the physician's judgement time or the patient's vårdcentral. The deadline
    follows the corrected times; receivers get the corrected notice. The municipality and the patient cannot be
    corrected: cancel the notice and send a new one."""
    changes = body.model_dump(include=body.model_fields_set - {"reason"})
    if changes.get("admitted_at", True) is None:
        raise unprocessable(("body", "admitted_at"), "admitted_at cannot be cleared")
    try:
        async with runtime.transaction() as session:
            stay = await handlers.correct_notice(
                session, stay_id, changes, body.reason, datetime.now(UTC), partial(may_act, ward, since)
            )
    except InvalidNotice as exc:  # the corrected times contradict each other (judgement before admission)
        raise unprocessable(("body", exc.field), str(exc)) from None
    return _stay_out(_found(stay, stay_id), ward)


@router.post("/stays/{stay_id}/interruption", response_model=StayOut, responses=STAY_ACTION_RESPONSES)
async def interrupt_process(
    stay_id: StayIdPath, body: InterruptionIn, ward: Ward, runtime: Runtime, since: ReadableSince
) -> StayOut:
    """Avbrott i processen, recorded by the ward that has the patient, with a note. After declined support or death
    the stay's SVU process has ended (nothing more changes); after a move the new municipality is the stay's."""
    try:
        async with runtime.transaction() as session:
            stay = await handlers.interrupt_process(
                session,
                stay_id,
                body.reason,
                body.note,
                body.new_municipality,
                ward.org,
                datetime.now(UTC),
                partial(may_see, ward, since),
            )
    except InvalidNotice as exc:  # a new municipality without a move, or a move without one
        raise unprocessable(("body", exc.field), str(exc)) from None
    return _stay_out(_found(stay, stay_id), ward)


@router.post("/stays/search", response_model=StayPage)
async def find_stays(
    body: StaySearchIn,
    ward: Ward,
    runtime: Runtime,
    since: ReadableSince,
    request: Request,
    limit: Limit = 50,
    offset: Offset = 0,
) -> StayPage:
    """The ward's stays of a patient, by personnummer or samordningsnummer in the body (never in a URL, where
    proxies and logs would keep it), the latest admission first. Only stays the ward has had (ADR 0011)."""
    async with runtime.sessions() as session:
        found = await handlers.find_stays(session, body.patient_id, partial(may_see, ward, since))
    page = found[offset : offset + limit]
    note_stays(stay.stay_id for stay in page)  # one audit row names every stay read
    return StayPage(items=[_stay_out(stay, ward) for stay in page], total=len(found), limit=limit, offset=offset)
