"""An invoice's specification (underlag): per stay, its ready periods, the days counted and the events behind them,
so every öre can be traced to the event log (domain §4). CSV for systems, PDF for people. Finance and admin read
every invoice's; a municipality reads those addressed to it, and another's is not shown to exist (ADR 0011, 0016)."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import APIRouter, HTTPException, Response

from billing.entrypoints.deps import BillReader, InvoiceIdPath, own_municipality
from billing.entrypoints.schemas import Responses, file_answer
from billing.service_layer import views
from svu_shared.audit import note_stays
from svu_shared.auth import Principal
from svu_shared.deps import Runtime
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["settlement"])
T = TypeVar("T", str, bytes)
NO_INVOICE: Responses = {404: {"description": "No such invoice (or not addressed to the caller's municipality)"}}


async def _underlag(
    render: Callable[..., Awaitable[T | None]],
    invoice_id: str,
    caller: Principal,
    runtime: ServiceRuntime,
) -> T:
    """The invoice's underlag as `render` makes it, or a 404 when the caller may not see it (or there is none)."""
    async with runtime.sessions() as session:
        found = await render(session, invoice_id, own_municipality(caller))
        if found is None:
            raise HTTPException(404, f"no invoice {invoice_id}")
        note_stays(await views.specification_stays(session, invoice_id))  # the stays the underlag shows
    return found


@router.get(
    "/invoices/{invoice_id}/specification.csv",
    response_class=Response,
    responses={**file_answer("text/csv", "The underlag, one row per ready period"), **NO_INVOICE},
)
async def specification_as_csv(invoice_id: InvoiceIdPath, caller: BillReader, runtime: Runtime) -> Response:
    return Response(
        await _underlag(views.specification_csv, invoice_id, caller, runtime),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{invoice_id}-underlag.csv"'},
    )


@router.get(
    "/invoices/{invoice_id}/specification.pdf",
    response_class=Response,
    responses={**file_answer("application/pdf", "The invoice and its underlag"), **NO_INVOICE},
)
async def specification_as_pdf(invoice_id: InvoiceIdPath, caller: BillReader, runtime: Runtime) -> Response:
    pdf = await _underlag(views.specification_pdf, invoice_id, caller, runtime)
    return Response(pdf, media_type="application/pdf")
