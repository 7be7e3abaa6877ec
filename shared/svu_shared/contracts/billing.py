"""Events published by the billing service on topic `svu.billing`, keyed by municipality and month."""

from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from svu_shared.contracts.base import STAY_ID, IntegrationEvent

MONTH = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Settled month, YYYY-MM (Europe/Stockholm)")
KOMMUNKOD = Field(pattern=r"^\d{4}$", description="Kommunkod (SCB)")
SEK = Field(pattern=r"^-?\d+\.\d{2}$", description="Amount in SEK, two decimals, as a string")


class BillingEvent(IntegrationEvent):
    """Published by the billing service about one municipality's month, keyed by it: a month's settlement,
    invoice and corrections keep their order in one partition."""

    topic: ClassVar[str] = "svu.billing"
    source: ClassVar[str] = "/svu/billing"
    topic_summary: ClassVar[str] = (
        "Settlements, invoices and corrections of payment responsibility. Key and subject: <kommunkod>:<YYYY-MM>."
    )
    key_description: ClassVar[str] = "<kommunkod>:<YYYY-MM> (also the Kafka key)"

    agreement: str = Field(min_length=1, max_length=64)
    period: str = MONTH
    municipality: str = KOMMUNKOD

    def key(self) -> str:
        return f"{self.municipality}:{self.period}"


class SettlementCalculated(BillingEvent):
    """A settlement run computed one municipality's month (betalningsansvar) under an agreement."""

    event_type: ClassVar[str] = "se.svu.billing.settlement_calculated.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agreement": "skane-2018",
                    "period": "2023-03",
                    "municipality": "1280",
                    "run_id": "run-7f3a",
                    "stays": 10,
                    "ready_days": 32,
                    "billable_days": "4.00",
                    "amount_sek": "42000.00",
                    "calculated_at": "2023-04-03T06:00:00+02:00",
                }
            ]
        }
    )

    run_id: str = Field(min_length=1, max_length=40)
    stays: int = Field(ge=0)
    ready_days: int = Field(ge=0)
    billable_days: str = Field(pattern=r"^-?\d+(\.\d+)?$", max_length=20)
    amount_sek: str = SEK
    calculated_at: AwareDatetime


class InvoiceIssued(BillingEvent):
    """The first invoice for a municipality's month; never changed afterwards."""

    event_type: ClassVar[str] = "se.svu.billing.invoice_issued.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agreement": "skane-2018",
                    "period": "2023-03",
                    "municipality": "1280",
                    "invoice_id": "INV-2023-03-1280-1",
                    "run_id": "run-7f3a",
                    "amount_sek": "42000.00",
                    "issued_at": "2023-04-03T06:00:00+02:00",
                }
            ]
        }
    )

    invoice_id: str = Field(min_length=1, max_length=100)
    run_id: str = Field(min_length=1, max_length=40)
    amount_sek: str = SEK
    issued_at: AwareDatetime


class CorrectionIssued(BillingEvent):
    """A credit or debit note: events arrived after the month's invoice and changed what is owed."""

    event_type: ClassVar[str] = "se.svu.billing.correction_issued.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agreement": "skane-2018",
                    "period": "2023-03",
                    "municipality": "1280",
                    "invoice_id": "INV-2023-03-1280-2",
                    "corrects_invoice_id": "INV-2023-03-1280-1",
                    "kind": "credit",
                    "run_id": "run-8c21",
                    "amount_sek": "-10500.00",
                    "issued_at": "2023-05-02T06:00:00+02:00",
                }
            ]
        }
    )

    invoice_id: str = Field(min_length=1, max_length=100)
    corrects_invoice_id: str = Field(min_length=1, max_length=100)
    kind: Literal["credit", "debit"]
    run_id: str = Field(min_length=1, max_length=40)
    amount_sek: str = SEK
    issued_at: AwareDatetime


class DisputeOpened(BillingEvent):
    """Bestridande: the municipality disputes a stay's ready days on its invoice of the month, with its reason."""

    event_type: ClassVar[str] = "se.svu.billing.dispute_opened.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agreement": "skane-2018",
                    "period": "2023-03",
                    "municipality": "1280",
                    "dispute_id": "D-3f9a1c2b7e10",
                    "stay_id": "SUS-2025-000123",
                    "invoice_id": "INV-skane-2018-2023-03-1280-1",
                    "reason": "Underrättelsen om utskrivningsklar kom aldrig fram till kommunen",
                    "opened_at": "2023-04-10T09:30:00+02:00",
                }
            ]
        }
    )

    dispute_id: str = Field(min_length=1, max_length=40)
    stay_id: str = STAY_ID
    invoice_id: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    opened_at: AwareDatetime


class DisputeResolved(BillingEvent):
    """Finance accepted a dispute (the next run of the month credits the stay's amount) or rejected it with a
    reason."""

    event_type: ClassVar[str] = "se.svu.billing.dispute_resolved.v1"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agreement": "skane-2018",
                    "period": "2023-03",
                    "municipality": "1280",
                    "dispute_id": "D-3f9a1c2b7e10",
                    "stay_id": "SUS-2025-000123",
                    "outcome": "accepted",
                    "reason": "Kvittens saknas för underrättelsen",
                    "credit_sek": "10500.00",
                    "resolved_at": "2023-04-12T14:00:00+02:00",
                },
                {
                    "agreement": "skane-2018",
                    "period": "2023-03",
                    "municipality": "1280",
                    "dispute_id": "D-77c0e5a1d2f4",
                    "stay_id": "SUS-2025-000124",
                    "outcome": "rejected",
                    "reason": "Kommunen kvitterade underrättelsen 2023-03-06 kl. 09:12",
                    "resolved_at": "2023-04-12T14:05:00+02:00",
                },
            ]
        }
    )

    dispute_id: str = Field(min_length=1, max_length=40)
    stay_id: str = STAY_ID
    outcome: Literal["accepted", "rejected"]
    reason: str | None = Field(None, min_length=1, max_length=500, description="Finance's words; required to reject")
    credit_sek: str | None = Field(
        None,
        pattern=r"^-?\d+\.\d{2}$",
        description="Accepted: what the next run credits for the stay if nothing else in the month changes",
    )
    resolved_at: AwareDatetime
