"""Settling a month for finance (domain §3): on the events consumed so far (what-if, nothing is stored), under two
agreements side by side, and as a stored run that issues each municipality's invoice once, then corrections."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from billing.entrypoints.deps import FOR_FINANCE, AgreementId, Period, agreement_named, period_refused, stays_in
from billing.entrypoints.schemas import UNPROCESSABLE, ComparisonOut, Responses, RunIn, RunOut, SettlementOut
from billing.service_layer import runs, views
from svu_shared.audit import answered_with, note_stays
from svu_shared.deps import Runtime

router = APIRouter(tags=["settlement"], dependencies=FOR_FINANCE)
REUSED: Responses = {200: {"model": RunOut, "description": "The month's latest run had the same inputs: reused"}}


@router.get(
    "/settlements",
    response_model=SettlementOut,
    responses=UNPROCESSABLE,
    summary="Settle a month on the events consumed so far (what-if; nothing is stored)",
)
async def get_settlement(agreement: AgreementId, period: Period, runtime: Runtime) -> Response:
    chosen = agreement_named(agreement)
    with period_refused("query"):
        async with runtime.sessions() as session:
            settled = await views.settlement(session, chosen, period)
    note_stays(stays_in(json.loads(settled)))
    # The same bytes as `billing settle --format json` on the same events, so finance can check one by the other.
    return Response(settled, media_type="application/json")


@router.get(
    "/comparisons",
    response_model=ComparisonOut,
    responses=UNPROCESSABLE,
    summary="A month under two agreements, per municipality",
)
async def get_comparison(
    period: Period, agreements: Annotated[list[str], Query(min_length=2, max_length=2)], runtime: Runtime
) -> dict[str, Any]:
    a, b = (agreement_named(i) for i in agreements)
    with period_refused("query"):
        async with runtime.sessions() as session:
            compared = await views.comparison(session, (a, b), period)
    note_stays(stays_in(compared))
    return compared


@router.post(
    "/settlement-runs",
    status_code=201,
    response_model=RunOut,
    responses={
        **REUSED,
        **UNPROCESSABLE,
        409: {"description": "The agreement is a proposal, or not in force for the month: it never invoices"},
    },
    summary="Settle and store a month under an agreement in force; issue invoices once, then corrections",
)
async def post_run(body: RunIn, response: Response, runtime: Runtime) -> dict[str, Any]:
    chosen = agreement_named(body.agreement, "body")
    with period_refused("body"):
        async with runtime.transaction() as session:
            run, reused = await runs.run_settlement(session, chosen, body.period)
            note_stays(stays_in(run))  # before the commit: the audit row commits with the run
            if reused:
                answered_with(response, 200)  # runs are keyed by their inputs (ADR 0008)
    return {**run, "reused": reused}
