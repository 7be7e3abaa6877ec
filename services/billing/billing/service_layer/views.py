"""Billing's reads (cosmicpython's views: queries, no change), each returning what its answer carries: a stay's
ready periods, a month settled or compared on the facts consumed so far (what-if, nothing is stored), a stored run,
an invoice's specification (underlag), the follow-up, and what a municipality sees of its own bills (domain §3 and
§4). A month reads only its own facts (`FactRepository.of_months`, ADR 0016)."""

import json
import weakref
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.agreement_files import available_agreements, load_agreement
from billing.adapters.follow_up_report import follow_up_dict, follow_up_png
from billing.adapters.repository import FactRepository, RunRepository, StoredInvoice, StoredRun
from billing.adapters.settlement_report import comparison_dict, settlement_json
from billing.adapters.specification import invoice_pdf
from billing.adapters.specification import specification_csv as csv_of_rows
from billing.domain.agreement import Agreement
from billing.domain.calendar import Month
from billing.domain.follow_up import MonthFigures, follow_up
from billing.domain.ready_periods import StayTimeline, Timelines, stay_timeline
from billing.service_layer.day_amounts import known_day_amounts
from billing.service_layer.settling import compare, settle_facts, timelines


def agreement(agreement_id: str) -> Agreement:
    """An agreement file (domain §3.2: agreements are data); `AgreementError` names what is wrong with it, and an
    id that is not one of the known agreements never reaches the file system."""
    return load_agreement(agreement_id)


def agreements() -> list[Agreement]:
    return [load_agreement(i) for i in available_agreements()]


async def timeline_of(session: AsyncSession, stay_id: str) -> StayTimeline | None:
    facts = await FactRepository(session).of_stay(stay_id)
    return stay_timeline(stay_id, facts) if facts else None


# Each database's months as last read for a what-if, with the month's mark when they were read (ADR 0019): while the
# mark is the same no fact of the month came since, and the timelines computed then still hold. A few months each.
_RECENT: "weakref.WeakKeyDictionary[Any, OrderedDict[str, tuple[str, Timelines]]]" = weakref.WeakKeyDictionary()
RECENT_MONTHS = 4


async def month_timelines(session: AsyncSession, month: Month) -> Timelines:
    """The month's timelines from the facts consumed so far: read and computed again only when its mark changed."""
    facts = FactRepository(session)
    mark = await facts.month_mark(month, month)  # before the read: a fact that comes between makes the next miss
    recent = _RECENT.setdefault(session.get_bind(), OrderedDict())
    kept = recent.get(str(month))
    if kept is not None and kept[0] == mark:
        recent.move_to_end(str(month))
        return kept[1]
    known = timelines(await facts.of_months(month, month))
    recent[str(month)] = (mark, known)
    while len(recent) > RECENT_MONTHS:
        recent.popitem(last=False)
    return known


async def settlement(session: AsyncSession, chosen: Agreement, period: str) -> str:
    """The month settled as JSON: the same bytes as `billing settle --format json` on the same events (disputes
    accepted by finance apply to stored runs, not to this what-if)."""
    month = Month.parse(period)
    known = await month_timelines(session, month)
    return settlement_json(settle_facts(chosen, month, known, await known_day_amounts(session)))


async def comparison(session: AsyncSession, pair: tuple[Agreement, Agreement], period: str) -> dict[str, Any]:
    """The month under two agreements, per municipality, with the difference (domain §3.2: the what-if question)."""
    month = Month.parse(period)
    known = await month_timelines(session, month)  # once, for both agreements
    day_amounts = await known_day_amounts(session)
    a, b = (settle_facts(chosen, month, known, day_amounts) for chosen in pair)
    return comparison_dict((pair[0].id, pair[1].id), period, compare((a, b)))


async def _follow_up(session: AsyncSession, chosen: Agreement, first: str, last: str) -> list[MonthFigures]:
    months = Month.parse(first), Month.parse(last)
    facts = await FactRepository(session).of_months(*months)
    return follow_up(chosen, *months, timelines(facts))


async def follow_up_report(
    session: AsyncSession, chosen: Agreement, first: str, last: str, municipality: str | None = None
) -> dict[str, Any]:
    """`municipality`: only its own months (what a municipality sees of its ready days and long-stayers)."""
    figures = await _follow_up(session, chosen, first, last)
    return follow_up_dict(chosen.id, [f for f in figures if municipality in (None, f.municipality)])


async def follow_up_chart(session: AsyncSession, chosen: Agreement, first: str, last: str) -> bytes:
    return follow_up_png(chosen.id, await _follow_up(session, chosen, first, last))


async def run_view(session: AsyncSession, run: StoredRun) -> dict[str, Any]:
    """A stored run: its settlement and the documents it issued."""
    documents = await RunRepository(session).invoices_of_run(run.run_id)
    return {
        "run_id": run.run_id,
        "agreement": run.agreement,
        "period": run.period,
        "created_at": run.created_at,
        "settlement": json.loads(run.result),
        "documents": [_document(d) for d in documents],
    }


async def specification_csv(session: AsyncSession, invoice_id: str, municipality: str | None = None) -> str | None:
    """The invoice's underlag for systems; None: no such invoice (or not `municipality`'s, when given)."""
    found = await _invoice_rows(session, invoice_id, municipality)
    return csv_of_rows(found[1]) if found else None


async def specification_pdf(session: AsyncSession, invoice_id: str, municipality: str | None = None) -> bytes | None:
    """The invoice's underlag for people; None: no such invoice (or not `municipality`'s, when given)."""
    found = await _invoice_rows(session, invoice_id, municipality)
    return invoice_pdf(*found) if found else None


async def specification_stays(session: AsyncSession, invoice_id: str) -> list[str]:
    """The stays of the invoice's underlag, in its order."""
    found = await _invoice_rows(session, invoice_id, None)
    return [row["stay_id"] for row in found[1]] if found else []


async def invoices_of(session: AsyncSession, municipality: str, limit: int, offset: int) -> dict[str, Any]:
    """Every invoice, debit and credit note addressed to the municipality, newest first."""
    found, total = await RunRepository(session).invoices_of_municipality(municipality, limit, offset)
    return {"items": [_document(d) for d in found], "total": total, "limit": limit, "offset": offset}


def _document(invoice: StoredInvoice) -> dict[str, Any]:
    """An issued document as answered (`DocumentOut`): the stored row without its run."""
    return {k: v for k, v in asdict(invoice).items() if k != "run_id"}


async def _invoice_rows(
    session: AsyncSession, invoice_id: str, municipality: str | None
) -> tuple[StoredInvoice, list[dict[str, Any]]] | None:
    """The invoice and its municipality's rows of its run's specification: every öre traced to its events."""
    runs = RunRepository(session)
    invoice = await runs.invoice(invoice_id)
    if invoice is None or municipality not in (None, invoice.municipality):
        return None
    return invoice, [r for r in await runs.specification(invoice.run_id) if r["municipality"] == invoice.municipality]
