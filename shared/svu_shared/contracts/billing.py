"""Events published by the billing service on topic `svu.billing`, keyed by municipality and month."""

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from svu_shared.contracts.base import IntegrationEvent

TOPIC = "svu.billing"
SOURCE = "/svu/billing"

MONTH = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Settled month, YYYY-MM (Europe/Stockholm)")
KOMMUNKOD = Field(pattern=r"^\d{4}$", description="Kommunkod (SCB)")
SEK = Field(pattern=r"^-?\d+\.\d{2}$", description="Amount in SEK, two decimals, as a string")


class _MunicipalityMonthEvent(IntegrationEvent):
    agreement: str = Field(min_length=1, max_length=64)
    period: str = MONTH
    municipality: str = KOMMUNKOD

    def key(self) -> str:
        return f"{self.municipality}:{self.period}"


class SettlementCalculated(_MunicipalityMonthEvent):
    """A settlement run computed one municipality's month (betalningsansvar) under an agreement."""

    event_type: ClassVar[str] = "se.svu.billing.settlement_calculated.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    run_id: str = Field(min_length=1, max_length=40)
    stays: int = Field(ge=0)
    ready_days: int = Field(ge=0)
    billable_days: str = Field(pattern=r"^-?\d+(\.\d+)?$", max_length=20)
    amount_sek: str = SEK
    calculated_at: AwareDatetime


class InvoiceIssued(_MunicipalityMonthEvent):
    """The first invoice for a municipality's month; never changed afterwards."""

    event_type: ClassVar[str] = "se.svu.billing.invoice_issued.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    invoice_id: str = Field(min_length=1, max_length=100)
    run_id: str = Field(min_length=1, max_length=40)
    amount_sek: str = SEK
    issued_at: AwareDatetime


class CorrectionIssued(_MunicipalityMonthEvent):
    """A credit or debit note: events arrived after the month's invoice and changed what is owed."""

    event_type: ClassVar[str] = "se.svu.billing.correction_issued.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = SOURCE

    invoice_id: str = Field(min_length=1, max_length=100)
    corrects_invoice_id: str = Field(min_length=1, max_length=100)
    kind: Literal["credit", "debit"]
    run_id: str = Field(min_length=1, max_length=40)
    amount_sek: str = SEK
    issued_at: AwareDatetime
