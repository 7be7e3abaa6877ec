"""Settlement runs: stored, reproducible, and issuing each municipality's invoice once, then corrections (ADR 0008).

One command in the request's transaction: load the month's facts (through the span indexes, not the whole table),
its accepted disputes and the month's issued documents through the repositories, let the domain settle the month
and say what to issue, store the run and the documents, and publish their integration events in the same
transaction (architecture §3). Only an agreement in force for the month issues invoices (ADR 0016)."""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.disputes import DisputeRepository
from billing.adapters.repository import FactRepository, RunRepository, StoredInvoice, StoredRun
from billing.adapters.settlement_report import sek, settlement_json
from billing.adapters.specification import specification_rows
from billing.domain.agreement import Agreement
from billing.domain.calendar import Month
from billing.domain.cohort import Credited
from billing.domain.facts import KIND_OF_CODE, instant
from billing.domain.invoicing import documents_to_issue
from billing.domain.settlement import check_valid
from billing.service_layer.day_amounts import known_day_amounts
from billing.service_layer.published import document_issued, publish, settlement_calculated
from billing.service_layer.settling import settle_facts, timelines
from billing.service_layer.views import run_view


def input_digest(
    agreement: Agreement, period: Month, facts: pl.DataFrame, day_amount: Decimal, credited: Credited
) -> str:
    """Same facts of the month, agreement, day amount and accepted disputes give the same digest: a rerun then
    reuses the stored run. Only the month's facts are in it, so an event of another month changes nothing here."""
    digest = hashlib.sha256(f"{agreement!r}|{period}|{day_amount}".encode())
    columns = ("event_id", "kind", "at", "municipality", "care_type", "reason", "received_at")
    for event_id, kind, at, municipality, care_type, reason, received_at in (
        facts.sort("event_id").select(columns).rows()
    ):
        line = f"{event_id}|{KIND_OF_CODE[kind]}|{_utc(at)}|{municipality}|{care_type}"
        if reason is not None or received_at is not None:
            line += f"|{reason}|{_utc(received_at) if received_at is not None else ''}"
        digest.update(f"{line}\n".encode())
    for (stay, municipality), dispute in sorted(credited.items()):
        digest.update(f"credited|{stay}|{municipality}|{dispute}\n".encode())
    return digest.hexdigest()


def _utc(us: int) -> str:
    moment = instant(us, 0)
    assert moment is not None
    return moment.isoformat()


async def run_settlement(session: AsyncSession, agreement: Agreement, period: str) -> tuple[dict[str, Any], bool]:
    """Returns (the run, whether an identical earlier run was reused). Raises `AgreementError` when the agreement
    does not cover the month or the year has no sourced day amount (domain §3.1 rule 6), `NotInForce` (409) when
    the agreement is a proposal or not in force for the month."""
    month = Month.parse(period)
    period = str(month)  # the key of the month's runs and documents, always YYYY-MM
    check_valid(agreement, month)
    agreement.require_in_force(month.first_day, period)
    day_amounts = await known_day_amounts(session)
    facts = await FactRepository(session).of_months(month, month)
    credited = await DisputeRepository(session).credited(agreement.id, period)
    settlement = settle_facts(agreement, month, timelines(facts), day_amounts, credited)
    digest = input_digest(agreement, month, facts, day_amounts.for_year(month.year), credited)
    runs = RunRepository(session)
    latest = await runs.latest(agreement.id, period)
    if latest is not None and latest.input_digest == digest:
        return await run_view(session, latest), True
    run = StoredRun(
        run_id=f"run-{uuid.uuid4().hex[:12]}",
        agreement=agreement.id,
        period=period,
        input_digest=digest,
        result=settlement_json(settlement),
        specification=json.dumps(specification_rows(settlement.stays), sort_keys=True),
        created_at=datetime.now(UTC),
    )
    await runs.add(run)
    await publish(session, settlement_calculated(run, settlement))
    issued = [invoice.issued() for invoice in await runs.invoices_of_month(agreement.id, period)]
    owed = {line.municipality: line.amount_sek for line in settlement.municipalities}
    for doc in documents_to_issue(agreement.id, period, owed, issued):
        invoice = StoredInvoice(
            invoice_id=doc.invoice_id,
            run_id=run.run_id,
            agreement=agreement.id,
            period=period,
            municipality=doc.municipality,
            kind=doc.kind,
            amount_sek=sek(doc.amount_sek),
            corrects_invoice_id=doc.corrects_invoice_id,
            issued_at=run.created_at,
        )
        await runs.add_invoice(invoice)
        await publish(session, [document_issued(invoice)])
    return await run_view(session, run), False
