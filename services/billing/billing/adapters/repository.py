"""Billing's state in its tables (cosmicpython's repository): the facts taken from the event log, and the stored
settlement runs with the invoices and corrections they issued. Each repository works in the caller's transaction,
so a run, its documents and their outbox rows commit together (architecture §3)."""

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.tables import invoices, settlement_runs, stay_facts
from billing.domain.facts import FactKind, StayFact
from billing.domain.invoicing import DocumentKind, IssuedDocument


def _fact(row: Any) -> StayFact:
    return StayFact(**{**row, "kind": FactKind(row["kind"])})


class FactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_stay(self, stay_id: str) -> list[StayFact]:
        query = select(stay_facts).where(stay_facts.c.stay_id == stay_id)
        return [_fact(row) for row in (await self._session.execute(query)).mappings()]

    async def all(self) -> list[StayFact]:
        """Every fact consumed so far: a settlement reads them all (a month's cohort depends on earlier months)."""
        return [_fact(row) for row in (await self._session.execute(select(stay_facts))).mappings()]

    async def add(self, fact: StayFact) -> None:
        await self._session.execute(insert(stay_facts).values(**asdict(fact)))


@dataclass(frozen=True)
class StoredRun:
    """A settlement run as stored: its result and specification (underlag) as JSON, keyed by its inputs (ADR 0008)."""

    run_id: str
    agreement: str
    period: str
    input_digest: str
    result: str
    specification: str
    created_at: datetime


@dataclass(frozen=True)
class StoredInvoice:
    """An issued invoice, debit or credit note; amounts as exact decimal strings (see `tables.invoices`)."""

    invoice_id: str
    run_id: str
    agreement: str
    period: str
    municipality: str
    kind: DocumentKind
    amount_sek: str
    corrects_invoice_id: str | None
    issued_at: datetime

    def issued(self) -> IssuedDocument:
        return IssuedDocument(
            self.invoice_id, self.municipality, self.kind, Decimal(self.amount_sek), self.corrects_invoice_id
        )


class RunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest(self, agreement: str, period: str) -> StoredRun | None:
        query = (
            select(settlement_runs)
            .where(settlement_runs.c.agreement == agreement, settlement_runs.c.period == period)
            .order_by(settlement_runs.c.created_at.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        return StoredRun(**row) if row else None

    async def add(self, run: StoredRun) -> None:
        await self._session.execute(insert(settlement_runs).values(**asdict(run)))

    async def specification(self, run_id: str) -> list[dict[str, Any]]:
        query = select(settlement_runs.c.specification).where(settlement_runs.c.run_id == run_id)
        return json.loads((await self._session.execute(query)).scalar_one())  # type: ignore[no-any-return]

    async def invoice(self, invoice_id: str) -> StoredInvoice | None:
        query = select(invoices).where(invoices.c.invoice_id == invoice_id)
        row = (await self._session.execute(query)).mappings().first()
        return StoredInvoice(**row) if row else None

    async def invoices_of_month(self, agreement: str, period: str) -> list[StoredInvoice]:
        """Everything issued for the month under the agreement, in issue order."""
        query = (
            select(invoices)
            .where(invoices.c.agreement == agreement, invoices.c.period == period)
            .order_by(invoices.c.issued_at, invoices.c.invoice_id)
        )
        return [StoredInvoice(**row) for row in (await self._session.execute(query)).mappings()]

    async def invoices_of_run(self, run_id: str) -> list[StoredInvoice]:
        query = select(invoices).where(invoices.c.run_id == run_id).order_by(invoices.c.invoice_id)
        return [StoredInvoice(**row) for row in (await self._session.execute(query)).mappings()]

    async def add_invoice(self, invoice: StoredInvoice) -> None:
        await self._session.execute(insert(invoices).values(**asdict(invoice)))
