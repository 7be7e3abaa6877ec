"""An invoice's specification (underlag): per stay, its ready periods, the days counted and the events behind them,
so every öre can be traced to the event log (domain §4). CSV for systems, PDF for people."""

from fastapi import APIRouter, HTTPException, Response

from billing.entrypoints.deps import FOR_FINANCE
from billing.entrypoints.schemas import Responses, file_answer
from billing.service_layer import views
from svu_shared.deps import Runtime

router = APIRouter(tags=["settlement"], dependencies=FOR_FINANCE)
NO_INVOICE: Responses = {404: {"description": "No such invoice"}}


@router.get(
    "/invoices/{invoice_id}/specification.csv",
    response_class=Response,
    responses={**file_answer("text/csv", "The underlag, one row per ready period"), **NO_INVOICE},
)
async def specification_as_csv(invoice_id: str, runtime: Runtime) -> Response:
    async with runtime.sessions() as session:
        text = await views.specification_csv(session, invoice_id)
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
async def specification_as_pdf(invoice_id: str, runtime: Runtime) -> Response:
    async with runtime.sessions() as session:
        pdf = await views.specification_pdf(session, invoice_id)
    if pdf is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return Response(pdf, media_type="application/pdf")
