"""HTTP API of the planning service (municipal SVU teams, primary care)."""

from datetime import datetime

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import select

from planning.adapters.tables import cases
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["planning"])


class CaseOut(BaseModel):
    case_id: str
    stay_id: str
    receiver_kind: str
    receiver_id: str
    patient_id: str
    care_unit: str
    admitted_at: datetime
    opened_at: datetime
    status: str
    discharge_ready_at: datetime | None
    discharged_at: datetime | None
    destination: str | None


@router.get("/cases", response_model=list[CaseOut], summary="A receiver's cases (its inbox)")
async def list_cases(
    request: Request,
    receiver_id: str | None = Query(None, max_length=64, description="Kommunkod or HSA-id"),
    stay_id: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[CaseOut]:
    runtime: ServiceRuntime = request.app.state.runtime
    query = select(cases).order_by(cases.c.opened_at.desc(), cases.c.case_id).limit(limit).offset(offset)
    if receiver_id:
        query = query.where(cases.c.receiver_id == receiver_id)
    if stay_id:
        query = query.where(cases.c.stay_id == stay_id)
    async with runtime.sessions() as session:
        return [CaseOut(**row) for row in (await session.execute(query)).mappings()]


@router.get("/cases/{case_id}", response_model=CaseOut, responses={404: {"description": "No such case"}})
async def get_case(case_id: str, request: Request) -> CaseOut:
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.sessions() as session:
        row = (await session.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
    if row is None:
        raise HTTPException(404, f"no case {case_id}")
    return CaseOut(**row)
