"""What a municipality sees of its own bills (domain §4, ADR 0016): its ready days per month with its long-stayers,
and every invoice, debit and credit note addressed to it. Finance and admin see any municipality's; another
municipality's is not shown to exist (ADR 0011)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from billing.entrypoints.deps import (
    AgreementId,
    BillReader,
    KommunkodPath,
    agreement_named,
    bounded,
    require_own,
    stays_in,
)
from billing.entrypoints.process_schemas import NOT_FOUND, DocumentPage
from billing.entrypoints.schemas import PERIOD_PATTERN, UNPROCESSABLE, FollowUpOut
from billing.service_layer import views
from svu_shared.audit import note_stays
from svu_shared.deps import Limit, Offset, Runtime

router = APIRouter(tags=["municipality"])


@router.get(
    "/municipalities/{kommunkod}/follow-up",
    response_model=FollowUpOut,
    responses={**NOT_FOUND, **UNPROCESSABLE},
    summary="The municipality's ready days per month, average vs threshold, and its long-stayers",
)
async def municipality_follow_up(
    kommunkod: KommunkodPath,
    agreement: AgreementId,
    first: Annotated[str, Query(alias="from", pattern=PERIOD_PATTERN)],
    last: Annotated[str, Query(alias="to", pattern=PERIOD_PATTERN)],
    caller: BillReader,
    runtime: Runtime,
) -> dict[str, Any]:
    require_own(caller, kommunkod)
    chosen = agreement_named(agreement)
    bounded(first, last)
    async with runtime.sessions() as session:
        report = await views.follow_up_report(session, chosen, first, last, kommunkod)
    note_stays(stays_in(report))
    return report


@router.get(
    "/municipalities/{kommunkod}/invoices",
    response_model=DocumentPage,
    responses=NOT_FOUND,
    summary="Invoices, debit and credit notes addressed to the municipality, newest first",
)
async def municipality_invoices(
    kommunkod: KommunkodPath, caller: BillReader, runtime: Runtime, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    require_own(caller, kommunkod)
    async with runtime.sessions() as session:
        return await views.invoices_of(session, kommunkod, limit, offset)
