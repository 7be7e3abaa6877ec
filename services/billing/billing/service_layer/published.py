"""What billing publishes (architecture §2): a stored run turned into its integration events, written to the outbox
in the transaction that stores the run (architecture §3), and a dispute's steps (ADR 0016). Nothing else builds a
billing event."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.repository import StoredInvoice, StoredRun
from billing.adapters.settlement_report import sek
from billing.adapters.tables import messaging
from billing.domain.disputes import Dispute
from billing.domain.settlement import Settlement
from svu_shared.contracts import CorrectionIssued, InvoiceIssued, SettlementCalculated
from svu_shared.contracts.billing import BillingEvent, DisputeOpened, DisputeResolved
from svu_shared.outbox import add_to_outbox


def settlement_calculated(run: StoredRun, settlement: Settlement) -> list[SettlementCalculated]:
    """One event per municipality line of the run's settlement."""
    return [
        SettlementCalculated(
            agreement=run.agreement,
            period=run.period,
            municipality=line.municipality,
            run_id=run.run_id,
            stays=line.stays,
            ready_days=line.ready_days,
            billable_days=sek(line.billable_days),
            amount_sek=sek(line.amount_sek),
            calculated_at=run.created_at,
        )
        for line in settlement.municipalities
    ]


def document_issued(invoice: StoredInvoice) -> InvoiceIssued | CorrectionIssued:
    """The first invoice of a municipality's month, or a debit or credit note against it (ADR 0008)."""
    common: dict[str, Any] = {
        "agreement": invoice.agreement,
        "period": invoice.period,
        "municipality": invoice.municipality,
        "invoice_id": invoice.invoice_id,
        "run_id": invoice.run_id,
        "amount_sek": invoice.amount_sek,
        "issued_at": invoice.issued_at,
    }
    if invoice.kind == "invoice":
        return InvoiceIssued(**common)
    return CorrectionIssued(**common, kind=invoice.kind, corrects_invoice_id=invoice.corrects_invoice_id or "")


async def publish(session: AsyncSession, events: Iterable[BillingEvent]) -> None:
    for event in events:
        await add_to_outbox(session, messaging.outbox, event)


def _of_dispute(dispute: Dispute) -> dict[str, Any]:
    """What every dispute event says of the dispute."""
    return {
        "agreement": dispute.agreement,
        "period": dispute.period,
        "municipality": dispute.municipality,
        "dispute_id": dispute.dispute_id,
        "stay_id": dispute.stay_id,
    }


def dispute_opened(dispute: Dispute) -> DisputeOpened:
    return DisputeOpened(
        **_of_dispute(dispute),
        invoice_id=dispute.invoice_id,
        reason=dispute.reason,
        opened_at=dispute.opened_at,
    )


def dispute_resolved(dispute: Dispute) -> DisputeResolved:
    assert dispute.status in ("accepted", "rejected") and dispute.resolved_at is not None
    return DisputeResolved(
        **_of_dispute(dispute),
        outcome=dispute.status,
        reason=dispute.resolution_reason,
        credit_sek=sek(dispute.credit_sek) if dispute.credit_sek is not None else None,
        resolved_at=dispute.resolved_at,
    )
