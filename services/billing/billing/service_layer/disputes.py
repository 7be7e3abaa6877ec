"""Disputes (bestrida, ADR 0016): a municipality opens one on a stay of its invoice; finance accepts (the next run
of the month credits the stay's amount) or rejects it with a reason. Each command loads through the repositories,
lets the domain decide, saves, and publishes its event in the same transaction (ADR 0013)."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.agreement_files import load_agreement
from billing.adapters.disputes import DisputeRepository
from billing.adapters.repository import FactRepository, RunRepository
from billing.domain.calendar import Month
from billing.domain.disputes import Dispute, open_dispute
from billing.service_layer.day_amounts import known_day_amounts
from billing.service_layer.published import dispute_opened, dispute_resolved, publish
from billing.service_layer.settling import settle_facts, timelines
from svu_shared.auth import Principal


async def open_on_invoice(
    session: AsyncSession, invoice_id: str, stay_id: str, reason: str, caller: Principal
) -> Dispute | None:
    """None: no such invoice addressed to the caller's municipality (a 404, ADR 0011)."""
    runs = RunRepository(session)
    invoice = await runs.invoice(invoice_id)
    if invoice is None or invoice.municipality != caller.org:
        return None
    latest = await runs.latest(invoice.agreement, invoice.period)
    rows = await runs.specification(latest.run_id) if latest else []
    billed = {r["stay_id"] for r in rows if r["municipality"] == invoice.municipality}
    repository = DisputeRepository(session)
    dispute = open_dispute(
        f"D-{uuid.uuid4().hex[:12]}",
        (invoice.invoice_id, invoice.agreement, invoice.period, invoice.municipality),
        stay_id,
        billed,
        await repository.of_stay_month(invoice.agreement, invoice.period, stay_id),
        reason,
        (caller.subject, caller.org),
        datetime.now(UTC),
    )
    await repository.add(dispute)
    await publish(session, [dispute_opened(dispute)])
    return dispute


async def stay_credit(session: AsyncSession, dispute: Dispute) -> Decimal:
    """What the month's amount for the municipality falls by when the stay's days are credited, on the facts and
    accepted disputes as they are now: the credit the next run issues for it if nothing else changes."""
    agreement, month = load_agreement(dispute.agreement), Month.parse(dispute.period)
    facts = timelines(await FactRepository(session).of_months(month, month))
    day_amounts = await known_day_amounts(session)
    credited = await DisputeRepository(session).credited(dispute.agreement, dispute.period)
    after = {**credited, (dispute.stay_id, dispute.municipality): dispute.dispute_id}
    owed = []
    for applied in (credited, after):
        settlement = settle_facts(agreement, month, facts, day_amounts, applied)
        line = next((m for m in settlement.municipalities if m.municipality == dispute.municipality), None)
        owed.append(line.amount_sek if line else Decimal("0.00"))
    return owed[0] - owed[1]


async def resolve(
    session: AsyncSession, dispute_id: str, accept: bool, reason: str | None, caller: Principal
) -> Dispute | None:
    """Finance accepts or rejects an open dispute; None: no such dispute."""
    repository = DisputeRepository(session)
    dispute = await repository.get(dispute_id)
    if dispute is None:
        return None
    dispute.require_open()
    now = datetime.now(UTC)
    if accept:
        resolved = dispute.accepted(
            caller.subject, caller.role, caller.org, now, reason, await stay_credit(session, dispute)
        )
    else:
        assert reason is not None  # the rejection's body requires it
        resolved = dispute.rejected(caller.subject, caller.role, caller.org, now, reason)
    await repository.save(resolved)
    await publish(session, [dispute_resolved(resolved)])
    return resolved


async def dispute_of(session: AsyncSession, dispute_id: str, municipality: str | None) -> Dispute | None:
    """None: no such dispute, or not `municipality`'s when given."""
    dispute = await DisputeRepository(session).get(dispute_id)
    return dispute if dispute and municipality in (None, dispute.municipality) else None


async def disputes_page(
    session: AsyncSession, status: str | None, municipality: str | None, limit: int, offset: int
) -> dict[str, Any]:
    found, total = await DisputeRepository(session).page(status, municipality, limit, offset)
    return {"items": found, "total": total, "limit": limit, "offset": offset}
