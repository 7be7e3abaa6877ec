"""What the process wave's routes take and answer (ADR 0016): agreements and day amounts as finance manages them,
a municipality's invoices, and disputes with their history. Decimals travel as exact strings (ADR 0008)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from billing.domain.agreement import Agreement
from billing.domain.day_amounts import DayAmountEntry
from billing.domain.disputes import Dispute
from billing.entrypoints.schemas import DocumentOut, ExactDecimal, Responses
from svu_shared.deps import StayId

CONFLICT: Responses = {409: {"description": "A rule does not allow this now; the message names the rule"}}
NOT_FOUND: Responses = {404: {"description": "No such resource, or not the caller's municipality's"}}
Reason = Field(min_length=1, max_length=500)


class AgreementOut(BaseModel):
    """An agreement (avtal): in force (gäller från … till) it issues invoices; a proposal (förslag) never does."""

    id: str
    status: Literal["in_force", "proposal"]
    valid_from: date = Field(description="First day it can settle (and compare)")
    valid_to: date | None
    in_force_from: date | None = Field(description="Gäller från: first day it may invoice; null for a proposal")
    in_force_to: date | None
    source: str

    @classmethod
    def of(cls, agreement: Agreement) -> "AgreementOut":
        return cls(
            id=agreement.id,
            status=agreement.status,
            valid_from=agreement.valid_from,
            valid_to=agreement.valid_to,
            in_force_from=agreement.in_force_from,
            in_force_to=agreement.in_force_to,
            source=agreement.source,
        )


class DayAmountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2018, le=2100)
    amount_sek: str = Field(
        pattern=r"^[1-9]\d{0,6}(\.\d{1,2})?$", description="SEK per vårddygn, e.g. 10500 or 10500.00"
    )
    source: str = Field(min_length=3, max_length=500, description="Where the amount comes from (Socialstyrelsen's …)")


class DayAmountOut(BaseModel):
    year: int
    amount_sek: ExactDecimal
    source: str
    origin: Literal["package", "database"] = Field(description="Packaged with the service, or entered through the API")
    added_at: datetime | None

    @classmethod
    def of(cls, entry: DayAmountEntry) -> "DayAmountOut":
        return cls(
            year=entry.year,
            amount_sek=f"{entry.amount_sek:.2f}",
            source=entry.source,
            origin=entry.origin,
            added_at=entry.added_at,
        )


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stay_id: StayId
    reason: str = Reason


class AcceptanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, min_length=1, max_length=500)


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Reason


class StepOut(BaseModel):
    step: Literal["opened", "accepted", "rejected"]
    at: datetime
    by_role: str
    by_org: str
    reason: str | None


class DisputeOut(BaseModel):
    """A dispute of a stay's days in a month and its history; an accepted one's credit is issued by the next run."""

    dispute_id: str
    agreement: str
    period: str
    municipality: str
    stay_id: str
    invoice_id: str
    status: Literal["open", "accepted", "rejected"]
    reason: str
    credit_sek: ExactDecimal | None = Field(description="Accepted: what the next run credits for the stay")
    history: list[StepOut]

    @classmethod
    def of(cls, dispute: Dispute) -> "DisputeOut":
        return cls(
            dispute_id=dispute.dispute_id,
            agreement=dispute.agreement,
            period=dispute.period,
            municipality=dispute.municipality,
            stay_id=dispute.stay_id,
            invoice_id=dispute.invoice_id,
            status=dispute.status,
            reason=dispute.reason,
            credit_sek=f"{dispute.credit_sek:.2f}" if dispute.credit_sek is not None else None,
            history=[StepOut.model_validate(step, from_attributes=True) for step in dispute.history],
        )


class AgreementList(BaseModel):
    items: list[AgreementOut]


class DayAmountList(BaseModel):
    items: list[DayAmountOut]


class DisputePage(BaseModel):
    items: list[DisputeOut]
    total: int
    limit: int
    offset: int


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int
