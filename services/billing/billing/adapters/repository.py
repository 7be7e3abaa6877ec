"""Billing's state in its tables (cosmicpython's repository): the facts taken from the event log, and the stored
settlement runs with the invoices and corrections they issued. Each repository works in the caller's transaction,
so a run, its documents and their outbox rows commit together (architecture §3)."""

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.tables import invoices, settlement_runs, stay_facts, stay_spans
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact
from billing.domain.invoicing import DocumentKind, IssuedDocument
from svu_shared.db import insert_or_merge


def _fact(row: Any) -> StayFact:
    return StayFact(**{**row, "kind": FactKind(row["kind"])})


def _earliest(column: Any, new: Any) -> Any:
    """The earlier of the stored and the new instant, either may be NULL: spans only ever move to earlier
    instants, so two consumers updating one stay at once end in the same row whatever their order."""
    return case((column.is_(None), new), (new.is_(None), column), (new < column, new), else_=column)


class FactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_stay(self, stay_id: str) -> list[StayFact]:
        query = select(stay_facts).where(stay_facts.c.stay_id == stay_id)
        return [_fact(row) for row in (await self._session.execute(query)).mappings()]

    async def of_months(self, first: Month, last: Month) -> list[StayFact]:
        """The facts a settlement of the months from `first` to `last` needs (ADR 0016), through the span indexes:
        every fact of the stays that ended in them (their cohort and its anomalies, domain §3.1 rules 1 and 7) and
        of the stays not ended that may have been ready by the last one's end (rule 7: ready without a discharge).
        A month's cohort never holds another stay, so settling on these equals settling on every fact."""
        start, end = first.start(), last.next().start()
        spans = stay_spans.c
        touching = select(spans.stay_id).where(
            or_(
                and_(spans.ended_at >= start, spans.ended_at < end),
                and_(spans.ended_at.is_(None), spans.first_ready_at < end),
            )
        )
        query = select(stay_facts).where(stay_facts.c.stay_id.in_(touching))
        return [_fact(row) for row in (await self._session.execute(query)).mappings()]

    async def add(self, fact: StayFact) -> None:
        """Keeps the fact and its stay's span in the caller's transaction."""
        await self._session.execute(insert(stay_facts).values(**asdict(fact)))
        span = {
            "stay_id": fact.stay_id,
            "first_ready_at": fact.at if fact.starts_ready else None,
            "ended_at": fact.at if fact.ends_stay else None,
        }
        upsert = insert_or_merge(self._session, stay_spans).values(**span)
        await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=["stay_id"],
                set_={
                    "first_ready_at": _earliest(stay_spans.c.first_ready_at, upsert.excluded.first_ready_at),
                    "ended_at": _earliest(stay_spans.c.ended_at, upsert.excluded.ended_at),
                },
            )
        )


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

    async def invoices_of_municipality(
        self, municipality: str, limit: int, offset: int
    ) -> tuple[list[StoredInvoice], int]:
        """A page of the documents addressed to the municipality, newest first, and how many there are."""
        mine = invoices.c.municipality == municipality
        query = (
            select(invoices)
            .where(mine)
            .order_by(invoices.c.issued_at.desc(), invoices.c.invoice_id.desc())
            .limit(limit)
            .offset(offset)
        )
        total = (await self._session.execute(select(func.count()).select_from(invoices).where(mine))).scalar()
        return [StoredInvoice(**row) for row in (await self._session.execute(query)).mappings()], int(total or 0)

    async def invoices_of_run(self, run_id: str) -> list[StoredInvoice]:
        query = select(invoices).where(invoices.c.run_id == run_id).order_by(invoices.c.invoice_id)
        return [StoredInvoice(**row) for row in (await self._session.execute(query)).mappings()]

    async def add_invoice(self, invoice: StoredInvoice) -> None:
        await self._session.execute(insert(invoices).values(**asdict(invoice)))
