"""HTTP API for finance: settle and compare on the consumed events, store runs, read invoices and their underlag."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.adapters.follow_up_report import follow_up_dict, follow_up_png
from billing.adapters.settlement_report import comparison_dict, settlement_json
from billing.adapters.specification import specification_csv, specification_pdf
from billing.domain.agreement import Agreement, AgreementError
from billing.domain.calendar import Month
from billing.domain.follow_up import follow_up
from billing.service_layer import runs
from billing.service_layer.settling import compare, settle_facts, timelines
from svu_shared.auth import roles
from svu_shared.errors import unprocessable
from svu_shared.runtime import ServiceRuntime

# Settlements, invoices and follow-up carry no clinical field: finance reads them, admin too (issue 5 §3).
router = APIRouter(tags=["settlement"], dependencies=[roles("finance", "admin")])
PERIOD = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"  # a month of this or the last century
Period = Annotated[str, Query(pattern=PERIOD, description="Settled month, YYYY-MM (Europe/Stockholm)")]
AgreementId = Annotated[str, Query(min_length=1, max_length=64, description="Agreement id, e.g. skane-2018")]
Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's `responses=`
UNPROCESSABLE: Responses = {
    422: {"description": "Unknown agreement, a month outside its validity, or no sourced day amount"}
}


def _runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def _agreement(agreement_id: str, where: str = "query") -> Agreement:
    try:
        return load_agreement(agreement_id)
    except AgreementError as exc:
        raise unprocessable((where, "agreement"), f"agreement: {exc}") from None


async def _settle(request: Request, agreement: Agreement, period: str):  # type: ignore[no-untyped-def]
    async with _runtime(request).sessions() as session:
        facts = await runs.consumed_facts(session)
    try:
        return settle_facts(agreement, Month.parse(period), facts, load_day_amounts())
    except AgreementError as exc:
        raise unprocessable(("query", "period"), str(exc)) from None


@router.get(
    "/settlements",
    responses=UNPROCESSABLE,
    summary="Settle a month on the events consumed so far (what-if; nothing is stored)",
)
async def get_settlement(request: Request, agreement: AgreementId, period: Period) -> Response:
    settlement = await _settle(request, _agreement(agreement), period)
    # The same bytes as `billing settle --format json` on the same events.
    return Response(settlement_json(settlement), media_type="application/json")


@router.get("/comparisons", responses=UNPROCESSABLE, summary="A month under two agreements, per municipality")
async def get_comparison(
    request: Request, period: Period, agreements: Annotated[list[str], Query(min_length=2, max_length=2)]
) -> dict:
    a, b = (_agreement(i) for i in agreements)
    rows = compare((await _settle(request, a, period), await _settle(request, b, period)))
    return comparison_dict((a.id, b.id), period, rows)


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agreement: str = Field(min_length=1, max_length=64)
    period: str = Field(pattern=PERIOD)


@router.post(
    "/settlement-runs",
    status_code=201,
    responses=UNPROCESSABLE,
    summary="Settle and store a month; issue invoices once, then corrections when events change it",
)
async def post_run(body: RunIn, request: Request, response: Response) -> dict:
    agreement = _agreement(body.agreement, "body")
    try:
        async with _runtime(request).transaction() as session:
            run, reused = await runs.run_settlement(session, agreement, Month.parse(body.period), load_day_amounts())
    except AgreementError as exc:
        raise unprocessable(("body", "period"), str(exc)) from None
    if reused:
        response.status_code = 200
    return {**run, "reused": reused}


@router.get("/invoices/{invoice_id}/specification.csv", responses={404: {"description": "No such invoice"}})
async def specification_as_csv(invoice_id: str, request: Request) -> Response:
    _invoice, rows = await _invoice_rows(request, invoice_id)
    return Response(
        specification_csv(rows),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{invoice_id}-underlag.csv"'},
    )


@router.get("/invoices/{invoice_id}/specification.pdf", responses={404: {"description": "No such invoice"}})
async def specification_as_pdf(invoice_id: str, request: Request) -> Response:
    invoice, rows = await _invoice_rows(request, invoice_id)
    summary = [
        ("Invoice", invoice["invoice_id"]),
        ("Kind", invoice["kind"]),
        ("Municipality", invoice["municipality"]),
        ("Agreement", invoice["agreement"]),
        ("Period", invoice["period"]),
        ("Amount (SEK)", invoice["amount_sek"]),
        ("Corrects", invoice["corrects_invoice_id"] or "-"),
    ]
    pdf = specification_pdf(f"Underlag betalningsansvar {invoice['period']} – {invoice['municipality']}", summary, rows)
    return Response(pdf, media_type="application/pdf")


@router.get(
    "/follow-up",
    responses={200: {"content": {"image/png": {}}}, **UNPROCESSABLE},
    summary="Ready days per municipality and month, long-stayers, average vs threshold (JSON or PNG)",
)
async def get_follow_up(
    request: Request,
    agreement: AgreementId,
    first: Annotated[str, Query(alias="from", pattern=PERIOD)],
    last: Annotated[str, Query(alias="to", pattern=PERIOD)],
    format: Annotated[str, Query(pattern="^(json|png)$")] = "json",
) -> Response:
    chosen = _agreement(agreement)
    async with _runtime(request).sessions() as session:
        facts = await runs.consumed_facts(session)
    figures = follow_up(chosen, Month.parse(first), Month.parse(last), timelines(facts))
    if format == "png":
        return Response(follow_up_png(chosen.id, figures), media_type="image/png")
    return Response(json.dumps(follow_up_dict(chosen.id, figures)), media_type="application/json")


async def _invoice_rows(request: Request, invoice_id: str) -> tuple[dict, list[dict]]:
    async with _runtime(request).sessions() as session:
        found = await runs.invoice_with_specification(session, invoice_id)
    if found is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return found
