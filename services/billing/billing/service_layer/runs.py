"""Settlement runs: stored, reproducible, and issuing each municipality's invoice once, then corrections."""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypedDict

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.settlement_report import sek, settlement_json
from billing.adapters.specification import specification_rows
from billing.adapters.tables import invoices, messaging, settlement_runs, stay_facts
from billing.domain.agreement import Agreement, DayAmounts
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact
from billing.domain.invoicing import IssuedDocument, documents_to_issue
from billing.service_layer.settling import settle_facts
from svu_shared.contracts import CorrectionIssued, InvoiceIssued, SettlementCalculated
from svu_shared.outbox import add_to_outbox


class IssuedFields(TypedDict):
    """What an invoice and a correction event have in common."""

    agreement: str
    period: str
    municipality: str
    invoice_id: str
    run_id: str
    amount_sek: str
    issued_at: datetime


async def consumed_facts(session: AsyncSession) -> list[StayFact]:
    rows = (await session.execute(select(stay_facts))).mappings().all()
    return [StayFact(**{**r, "kind": FactKind(r["kind"])}) for r in rows]


def input_digest(agreement: Agreement, period: Month, facts: list[StayFact], day_amount: Decimal) -> str:
    """Same facts, agreement and day amount give the same digest: a rerun then reuses the stored run."""
    digest = hashlib.sha256(f"{agreement!r}|{period}|{day_amount}".encode())
    for f in sorted(facts, key=lambda f: f.event_id):
        digest.update(
            f"{f.event_id}|{f.kind}|{f.at.astimezone(UTC).isoformat()}|{f.municipality}|{f.care_type}\n".encode()
        )
    return digest.hexdigest()


async def run_settlement(
    session: AsyncSession, agreement: Agreement, period: Month, day_amounts: DayAmounts
) -> tuple[dict, bool]:
    """Returns (the run, whether an identical earlier run was reused)."""
    facts = await consumed_facts(session)
    settlement = settle_facts(agreement, period, facts, day_amounts)
    digest = input_digest(agreement, period, facts, day_amounts.for_year(period.year))
    latest = (
        (
            await session.execute(
                select(settlement_runs)
                .where(settlement_runs.c.agreement == agreement.id, settlement_runs.c.period == str(period))
                .order_by(settlement_runs.c.created_at.desc())
                .limit(1)
            )
        )
        .mappings()
        .first()
    )
    if latest is not None and latest["input_digest"] == digest:
        return await run_view(session, dict(latest)), True
    now = datetime.now(UTC)
    run_id = f"run-{uuid.uuid4().hex[:12]}"
    run = {
        "run_id": run_id,
        "agreement": agreement.id,
        "period": str(period),
        "input_digest": digest,
        "result": settlement_json(settlement),
        "created_at": now,
        "specification": json.dumps(specification_rows(settlement.stays), sort_keys=True),
    }
    await session.execute(insert(settlement_runs).values(**run))
    for line in settlement.municipalities:
        await add_to_outbox(
            session,
            messaging.outbox,
            SettlementCalculated(
                agreement=agreement.id,
                period=str(period),
                municipality=line.municipality,
                run_id=run_id,
                stays=line.stays,
                ready_days=line.ready_days,
                billable_days=sek(line.billable_days),
                amount_sek=sek(line.amount_sek),
                calculated_at=now,
            ),
        )
    issued = await issued_documents(session, agreement.id, str(period))
    owed = {line.municipality: line.amount_sek for line in settlement.municipalities}
    for doc in documents_to_issue(agreement.id, str(period), owed, issued):
        await session.execute(
            insert(invoices).values(
                invoice_id=doc.invoice_id,
                run_id=run_id,
                agreement=agreement.id,
                period=str(period),
                municipality=doc.municipality,
                kind=doc.kind,
                amount_sek=sek(doc.amount_sek),
                corrects_invoice_id=doc.corrects_invoice_id,
                issued_at=now,
            )
        )
        common: IssuedFields = {
            "agreement": agreement.id,
            "period": str(period),
            "municipality": doc.municipality,
            "invoice_id": doc.invoice_id,
            "run_id": run_id,
            "amount_sek": sek(doc.amount_sek),
            "issued_at": now,
        }
        event = (
            InvoiceIssued(**common)
            if doc.kind == "invoice"
            else CorrectionIssued(**common, kind=doc.kind, corrects_invoice_id=doc.corrects_invoice_id or "")
        )
        await add_to_outbox(session, messaging.outbox, event)
    return await run_view(session, run), False


async def issued_documents(session: AsyncSession, agreement: str, period: str) -> list[IssuedDocument]:
    rows = (
        (
            await session.execute(
                select(invoices)
                .where(invoices.c.agreement == agreement, invoices.c.period == period)
                .order_by(invoices.c.issued_at, invoices.c.invoice_id)
            )
        )
        .mappings()
        .all()
    )
    return [
        IssuedDocument(
            r["invoice_id"], r["municipality"], r["kind"], Decimal(r["amount_sek"]), r["corrects_invoice_id"]
        )
        for r in rows
    ]


async def run_view(session: AsyncSession, run: dict) -> dict:
    documents = (
        (
            await session.execute(
                select(invoices).where(invoices.c.run_id == run["run_id"]).order_by(invoices.c.invoice_id)
            )
        )
        .mappings()
        .all()
    )
    return {
        "run_id": run["run_id"],
        "agreement": run["agreement"],
        "period": run["period"],
        "created_at": run["created_at"],
        "settlement": json.loads(run["result"]),
        "documents": [{k: v for k, v in d.items() if k != "run_id"} for d in documents],
    }


async def invoice_with_specification(session: AsyncSession, invoice_id: str) -> tuple[dict, list[dict]] | None:
    invoice = (await session.execute(select(invoices).where(invoices.c.invoice_id == invoice_id))).mappings().first()
    if invoice is None:
        return None
    spec = (
        await session.execute(
            select(settlement_runs.c.specification).where(settlement_runs.c.run_id == invoice["run_id"])
        )
    ).scalar_one()
    rows = [r for r in json.loads(spec) if r["municipality"] == invoice["municipality"]]
    return dict(invoice), rows
