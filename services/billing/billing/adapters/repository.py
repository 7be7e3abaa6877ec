"""Billing's state in its tables (cosmicpython's repository): the facts taken from the event log, and the stored
settlement runs with the invoices and corrections they issued. Each repository works in the caller's transaction,
so a run, its documents and their outbox rows commit together (architecture §3)."""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import String, and_, case, cast, func, insert, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.tables import invoices, settlement_runs, stay_facts, stay_spans
from billing.domain.calendar import Month
from billing.domain.facts import FACT_SCHEMA, KIND_CODE, FactKind, StayFact, facts_frame
from billing.domain.invoicing import DocumentKind, IssuedDocument
from svu_shared.db import insert_or_merge

# The month's facts (`of_months`) on PostgreSQL: the stays that ended in [start, end), and those not ended that were
# ready before end; instants in UTC microseconds since the epoch (exact: EXTRACT gives a numeric).
MONTH_FACTS_SQL = """
SELECT f.stay_id, f.kind, (EXTRACT(EPOCH FROM f.at) * 1000000)::bigint AS at, f.event_id, f.municipality,
       f.care_type, f.reason, (EXTRACT(EPOCH FROM f.received_at) * 1000000)::bigint AS received_at
FROM stay_facts f
WHERE f.stay_id IN (SELECT s.stay_id FROM stay_spans s
                    WHERE (s.ended_at >= :start AND s.ended_at < :end)
                       OR (s.ended_at IS NULL AND s.first_ready_at < :end))
"""


def _quoted(column: str) -> str:
    """A text column as a CSV field: quoted, quotes doubled; NULL stays an empty field (a missing value)."""
    return f"""'"' || replace({column}, '"', '""') || '"'"""


# The same rows as one CSV text built by the database: one row to fetch, read into columns at once (ADR 0019).
MONTH_FACTS_CSV = f"""
SELECT string_agg(concat({_quoted("stay_id")}, ',', kind, ',', at, ',', {_quoted("event_id")}, ',',
                         {_quoted("municipality")}, ',', {_quoted("care_type")}, ',', {_quoted("reason")}, ',',
                         received_at), E'\\n')
FROM ({MONTH_FACTS_SQL}) AS month_facts
"""
TEXT_SCHEMA = {
    "stay_id": pl.String,
    "kind": pl.String,
    "at": pl.Int64,
    "event_id": pl.String,
    "municipality": pl.String,
    "care_type": pl.String,
    "reason": pl.String,
    "received_at": pl.Int64,
}


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

    async def of_months(self, first: Month, last: Month) -> pl.DataFrame:
        """The facts a settlement of the months from `first` to `last` needs (ADR 0016), through the span indexes:
        every fact of the stays that ended in them (their cohort and its anomalies, domain §3.1 rules 1 and 7) and
        of the stays not ended that may have been ready by the last one's end (rule 7: ready without a discharge).
        A month's cohort never holds another stay, so settling on these equals settling on every fact.

        In the engine's columns (FACT_SCHEMA), in one query. On PostgreSQL the rows come as one CSV text, instants as
        microseconds since the epoch, read into columns at once (ADR 0019); elsewhere (SQLite) row by row."""
        start, end = first.start(), last.next().start()
        if self._session.get_bind().dialect.name == "postgresql":
            return await self._in_one_text(start, end)
        touching = select(stay_spans.c.stay_id).where(_touching(first, last))
        query = select(stay_facts).where(stay_facts.c.stay_id.in_(touching))
        return facts_frame(_fact(row) for row in (await self._session.execute(query)).mappings())

    async def _in_one_text(self, start: datetime, end: datetime) -> pl.DataFrame:
        csv = (await self._session.execute(text(MONTH_FACTS_CSV), {"start": start, "end": end})).scalar()
        if not csv:
            return pl.DataFrame(schema=FACT_SCHEMA)
        frame = pl.read_csv(csv.encode(), has_header=False, new_columns=list(TEXT_SCHEMA), schema=TEXT_SCHEMA)
        return frame.with_columns(
            kind=pl.col("kind").replace_strict(KIND_CODE, return_dtype=pl.UInt8),
            at_offset=pl.lit(0, pl.Int32),
            received_offset=pl.when(pl.col("received_at").is_not_null()).then(pl.lit(0, pl.Int32)),
        ).select(FACT_SCHEMA.keys())

    async def add(self, fact: StayFact) -> None:
        """Keeps the fact and its stay's span in the caller's transaction."""
        await self._session.execute(insert(stay_facts).values(**asdict(fact)))
        version = _next_version(self._session)
        span = {
            "stay_id": fact.stay_id,
            "first_ready_at": fact.at if fact.starts_ready else None,
            "ended_at": fact.at if fact.ends_stay else None,
            "version": version,
        }
        upsert = insert_or_merge(self._session, stay_spans).values(**span)
        await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=["stay_id"],
                set_={
                    "first_ready_at": _earliest(stay_spans.c.first_ready_at, upsert.excluded.first_ready_at),
                    "ended_at": _earliest(stay_spans.c.ended_at, upsert.excluded.ended_at),
                    "version": version,
                },
            )
        )

    async def month_mark(self, first: Month, last: Month) -> str:
        """What `of_months` would read, marked: the months' stays with their versions, as a digest. The same mark
        means the same facts (every fact kept gives its stay a version no stay had), so what was computed from
        them still holds."""
        spans = stay_spans.c
        query = select(spans.stay_id, spans.version).where(_touching(first, last))
        if self._session.get_bind().dialect.name == "postgresql":
            listed = func.string_agg(
                spans.stay_id + ":" + func.coalesce(cast(spans.version, String), ""),
                aggregate_order_by(literal_column("','"), spans.stay_id),
            )
            digest = select(func.count(), func.md5(listed)).where(_touching(first, last))
            count, md5 = (await self._session.execute(digest)).one()
            return f"{count}:{md5}"
        rows = sorted((await self._session.execute(query)).all())
        return f"{len(rows)}:{hashlib.md5(repr(rows).encode()).hexdigest()}"


def _touching(first: Month, last: Month) -> Any:
    """The spans of the stays a settlement of the months reads (ADR 0016): ended in them, or not ended and ready by
    the last one's end."""
    start, end = first.start(), last.next().start()
    spans = stay_spans.c
    return or_(
        and_(spans.ended_at >= start, spans.ended_at < end),
        and_(spans.ended_at.is_(None), spans.first_ready_at < end),
    )


def _next_version(session: AsyncSession) -> Any:
    """A version no span had: the sequence's next value on PostgreSQL; on SQLite (one writer at a time) the largest
    plus one."""
    if session.get_bind().dialect.name == "postgresql":
        return func.nextval("stay_span_versions")
    return select(func.coalesce(func.max(stay_spans.c.version), 0) + 1).scalar_subquery()


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
