"""What billing's API takes and answers, as models: the OpenAPI document describes every field a client gets, so a
client can be generated from it (ADR 0013). Decimals travel as exact strings (ADR 0008): days and amounts to 2
places, averages to 3; the JSON answers have the shapes of the CLI's JSON (`adapters/settlement_report.py`,
`adapters/follow_up_report.py`)."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from billing.domain.ready_periods import StayTimeline

Responses = dict[int | str, dict[str, Any]]  # the type of FastAPI's `responses=`
PERIOD_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"  # a month of this or the last century
UNPROCESSABLE: Responses = {
    422: {"description": "Unknown agreement, a month outside its validity, or no sourced day amount"}
}
ExactDecimal = Annotated[str, Field(description="An exact decimal, as a string")]


def file_content(media_type: str) -> dict[str, Any]:
    """The OpenAPI content of an answer that is a file, not JSON."""
    schema = {"type": "string"} if media_type.startswith("text/") else {"type": "string", "format": "binary"}
    return {media_type: {"schema": schema}}


def file_answer(media_type: str, description: str) -> Responses:
    """A 200 that is only a file (the route's `response_class` is `Response`, which documents no JSON)."""
    return {200: {"description": description, "content": file_content(media_type)}}


class ReadyPeriodOut(BaseModel):
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str | None
    backdated_from: datetime | None = Field(None, description="A backdated notice: when the server received it")
    backdating_reason: str | None = Field(None, description="A backdated notice: the ward's reason")
    note: str = Field("", description="How the period opened or closed when not by a notice, withdrawal or discharge")


class StayTimelineOut(BaseModel):
    stay_id: str
    municipality: str | None
    care_type: str
    discharged_at: datetime | None
    periods: list[ReadyPeriodOut]
    anomalies: list[str]
    event_ids: list[str]
    cancelled_by: str | None = Field(None, description="The cancellation (makulering): the stay is never billed")
    process_ended_at: datetime | None = Field(
        None, description="A death or declined support before discharge (avbrott): the stay's end for billing"
    )
    interrupted: str | None = Field(None, description="Why that interruption ended the process")
    municipalities: list[str] = Field(default_factory=list, description="Home municipality, then each moved to")

    @classmethod
    def of(cls, timeline: StayTimeline) -> "StayTimelineOut":
        return cls(
            stay_id=timeline.stay_id,
            municipality=timeline.municipality,
            care_type=timeline.care_type,
            discharged_at=timeline.discharged_at,
            periods=[ReadyPeriodOut(**asdict(p)) for p in timeline.periods],
            anomalies=list(timeline.anomalies),
            event_ids=list(timeline.event_ids),
            cancelled_by=timeline.cancelled_by,
            process_ended_at=timeline.process_ended_at,
            interrupted=timeline.interrupted,
            municipalities=list(timeline.municipalities),
        )


class LongStayOut(BaseModel):
    """A long-stayer billed outside the average (domain §3.2)."""

    stay_id: str
    ready_days: int
    billable_days: ExactDecimal
    amount_sek: ExactDecimal


class MunicipalityLineOut(BaseModel):
    """One municipality's month: N stays, D ready days, the average and what is billed (domain §3.1 rules 4, 5)."""

    municipality: str
    stays: int
    ready_days: int
    average_days: ExactDecimal
    billable_days: ExactDecimal
    day_amount_sek: ExactDecimal
    amount_sek: ExactDecimal
    long_stays: list[LongStayOut]


class AnomalyOut(BaseModel):
    """A stay left out of the sums, with why (domain §3.1 rule 7)."""

    stay_id: str
    reason: str


class SettlementOut(BaseModel):
    agreement: str
    period: str
    municipalities: list[MunicipalityLineOut]
    anomalies: list[AnomalyOut]


class ComparisonRowOut(BaseModel):
    """One municipality under both agreements: each agreement's line under its id (null where it bills no stay of
    the municipality), and the difference B − A."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, MunicipalityLineOut | None]
    municipality: str
    difference_sek: ExactDecimal


class ComparisonOut(BaseModel):
    agreements: list[str] = Field(description="A and B, the ids under which each row carries their lines")
    period: str
    municipalities: list[ComparisonRowOut]


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agreement: str = Field(min_length=1, max_length=64, description="An agreement in force for the month")
    period: str = Field(pattern=PERIOD_PATTERN)


class DocumentOut(BaseModel):
    """An invoice, or a debit or credit note against the month's first invoice (ADR 0008)."""

    invoice_id: str
    agreement: str
    period: str
    municipality: str
    kind: Literal["invoice", "debit", "credit"]
    amount_sek: ExactDecimal
    corrects_invoice_id: str | None
    issued_at: datetime


class RunOut(BaseModel):
    run_id: str
    agreement: str
    period: str
    created_at: datetime
    settlement: SettlementOut
    documents: list[DocumentOut] = Field(description="What the run issued")
    reused: bool


class MonthFiguresOut(BaseModel):
    period: str
    municipality: str
    stays: int
    ready_days: int
    average_days: ExactDecimal
    threshold_days: ExactDecimal
    over_threshold: bool
    long_stays: list[str] = Field(description="Ids of the stays over the long-stay limit (domain §3.2)")


class FollowUpOut(BaseModel):
    """Ready days per municipality and month against the threshold, and the long-stayers (domain §4)."""

    agreement: str
    months: list[MonthFiguresOut]
