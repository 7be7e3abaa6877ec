"""Disputes (bestrida, domain §4 and §5; ADR 0016): the municipality disputes a stay's days on its invoice with a
reason; finance sees the open ones and accepts (the next run of the month credits the stay's amount) or rejects
with a reason; both see each dispute's history. Another municipality's dispute or invoice is a 404 (ADR 0011)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request

from billing.entrypoints.deps import BillReader, Disputer, InvoiceIdPath, Resolver, own_municipality
from billing.entrypoints.process_schemas import (
    CONFLICT,
    NOT_FOUND,
    AcceptanceIn,
    DisputeIn,
    DisputeOut,
    DisputePage,
    RejectionIn,
)
from billing.service_layer import disputes
from svu_shared.audit import note_stays
from svu_shared.deps import Limit, Offset, Runtime

router = APIRouter(tags=["disputes"])
DisputeIdPath = Annotated[str, Path(pattern=r"^D-[0-9a-f]{12}$", description="Dispute id")]
Status = Annotated[str | None, Query(pattern="^(open|accepted|rejected)$", description="Only disputes in this state")]


@router.post(
    "/invoices/{invoice_id}/disputes",
    status_code=201,
    response_model=DisputeOut,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Dispute (bestrida) a stay's days on the municipality's invoice, with a reason",
)
async def open_dispute(
    invoice_id: InvoiceIdPath, body: DisputeIn, caller: Disputer, runtime: Runtime, request: Request
) -> DisputeOut:
    note_stays([body.stay_id])
    async with runtime.transaction() as session:
        dispute = await disputes.open_on_invoice(session, invoice_id, body.stay_id, body.reason, caller)
    if dispute is None:
        raise HTTPException(404, f"no invoice {invoice_id} addressed to your municipality")
    return DisputeOut.of(dispute)


@router.get(
    "/disputes",
    response_model=DisputePage,
    responses={403: {"description": "A municipality filtered by another municipality"}},
    summary="Disputes, newest first: finance sees all, a municipality its own",
)
async def list_disputes(
    caller: BillReader,
    runtime: Runtime,
    status: Status = None,
    municipality: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> DisputePage:
    own = own_municipality(caller)
    if own is not None and municipality not in (None, own):
        raise HTTPException(403, "a municipality lists its own disputes only")
    async with runtime.sessions() as session:
        page = await disputes.disputes_page(session, status, own or municipality, limit, offset)
    note_stays(d.stay_id for d in page["items"])
    return DisputePage(**{**page, "items": [DisputeOut.of(d) for d in page["items"]]})


@router.get(
    "/disputes/{dispute_id}", response_model=DisputeOut, responses=NOT_FOUND, summary="A dispute and its history"
)
async def get_dispute(dispute_id: DisputeIdPath, caller: BillReader, runtime: Runtime, request: Request) -> DisputeOut:
    async with runtime.sessions() as session:
        dispute = await disputes.dispute_of(session, dispute_id, own_municipality(caller))
    if dispute is None:
        raise HTTPException(404, f"no dispute {dispute_id}")
    note_stays([dispute.stay_id])
    return DisputeOut.of(dispute)


async def _resolve(
    dispute_id: str, accept: bool, reason: str | None, caller: Resolver, runtime: Runtime, request: Request
) -> DisputeOut:
    async with runtime.transaction() as session:
        dispute = await disputes.resolve(session, dispute_id, accept, reason, caller)
        if dispute is None:
            raise HTTPException(404, f"no dispute {dispute_id}")
        note_stays([dispute.stay_id])  # before the commit: the audit row commits with the write
    return DisputeOut.of(dispute)


@router.post(
    "/disputes/{dispute_id}/acceptance",
    response_model=DisputeOut,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Accept: the next run of the month credits the stay's amount",
)
async def accept_dispute(
    dispute_id: DisputeIdPath, caller: Resolver, runtime: Runtime, request: Request, body: AcceptanceIn | None = None
) -> DisputeOut:
    return await _resolve(dispute_id, True, body.reason if body else None, caller, runtime, request)


@router.post(
    "/disputes/{dispute_id}/rejection",
    response_model=DisputeOut,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Reject, with a reason",
)
async def reject_dispute(
    dispute_id: DisputeIdPath, body: RejectionIn, caller: Resolver, runtime: Runtime, request: Request
) -> DisputeOut:
    return await _resolve(dispute_id, False, body.reason, caller, runtime, request)
