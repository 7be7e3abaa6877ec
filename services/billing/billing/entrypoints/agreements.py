"""Agreements and day amounts as finance manages them (domain §3.2, §5; ADR 0016): which agreement is in force and
which are proposals, and Socialstyrelsen's amount of a year entered with its source (audited, ADR 0011)."""

from decimal import Decimal

from fastapi import APIRouter, HTTPException, Path

from billing.domain.agreement import AgreementError
from billing.entrypoints.deps import FOR_FINANCE, DayAmountEditor
from billing.entrypoints.process_schemas import (
    CONFLICT,
    AgreementList,
    AgreementOut,
    DayAmountIn,
    DayAmountList,
    DayAmountOut,
)
from billing.entrypoints.schemas import Responses
from billing.service_layer import day_amounts, views
from svu_shared.deps import Runtime

router = APIRouter(tags=["agreements"], dependencies=FOR_FINANCE)
UNKNOWN: Responses = {404: {"description": "No agreement of that id (ids are checked before any file is read)"}}


@router.get("/agreements", response_model=AgreementList, summary="The agreements: in force, or proposals")
async def list_agreements() -> AgreementList:
    return AgreementList(items=[AgreementOut.of(a) for a in views.agreements()])


@router.get("/agreements/{agreement_id}", response_model=AgreementOut, responses=UNKNOWN, summary="One agreement")
async def get_agreement(agreement_id: str = Path(max_length=64)) -> AgreementOut:
    try:
        return AgreementOut.of(views.agreement(agreement_id))
    except AgreementError as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/day-amounts", response_model=DayAmountList, summary="Day amounts by year, with their sources")
async def list_day_amounts(runtime: Runtime) -> DayAmountList:
    async with runtime.sessions() as session:
        return DayAmountList(items=[DayAmountOut.of(e) for e in await day_amounts.entries(session)])


@router.post(
    "/day-amounts",
    status_code=201,
    response_model=DayAmountOut,
    responses=CONFLICT,
    summary="Enter a year's day amount with its source; the year can then be settled",
)
async def post_day_amount(body: DayAmountIn, caller: DayAmountEditor, runtime: Runtime) -> DayAmountOut:
    async with runtime.transaction() as session:
        entry = await day_amounts.add_day_amount(
            session, body.year, Decimal(body.amount_sek), body.source, caller.subject
        )
    return DayAmountOut.of(entry)
