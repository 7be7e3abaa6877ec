"""An invoice's specification (underlag): per stay, its ready periods, the days counted and the events behind them,
so every öre can be traced to the event log (domain §4). CSV for systems, PDF for people. Finance and admin read
every invoice's; a municipality reads those addressed to it, and another's is not shown to exist (ADR 0011, 0016)."""

from fastapi import APIRouter, HTTPException, Response

from billing.entrypoints.deps import BillReader, own_municipality
from billing.entrypoints.schemas import Responses, file_answer
from billing.service_layer import views
from svu_shared.deps import Runtime

router = APIRouter(tags=["settlement"])
NO_INVOICE: Responses = {404: {"description": "No such invoice (or not addressed to the caller's municipality)"}}


@router.get(
    "/invoices/{invoice_id}/specification.csv",
    response_class=Response,
    responses={**file_answer("text/csv", "The underlag, one row per ready period"), **NO_INVOICE},
)
async def specification_as_csv(invoice_id: str, caller: BillReader, runtime: Runtime) -> Response:
    async with runtime.sessions() as session:
        text = await views.specification_csv(session, invoice_id, own_municipality(caller))
    if text is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{invoice_id}-underlag.csv"'},
    )


@router.get(
    "/invoices/{invoice_id}/specification.pdf",
    response_class=Response,
    responses={**file_answer("application/pdf", "The invoice and its underlag"), **NO_INVOICE},
)
async def specification_as_pdf(invoice_id: str, caller: BillReader, runtime: Runtime) -> Response:
    async with runtime.sessions() as session:
        pdf = await views.specification_pdf(session, invoice_id, own_municipality(caller))
    if pdf is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return Response(pdf, media_type="application/pdf")
