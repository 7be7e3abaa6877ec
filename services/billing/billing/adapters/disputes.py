"""Disputes in billing's table (cosmicpython's repository), in the caller's transaction."""

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.tables import disputes
from billing.domain.disputes import Dispute


def _dispute(row: Any) -> Dispute:
    credit = row["credit_sek"]
    return Dispute(**{**row, "credit_sek": Decimal(credit) if credit is not None else None})


def _row(dispute: Dispute) -> dict[str, Any]:
    row = asdict(dispute)
    row["credit_sek"] = str(dispute.credit_sek) if dispute.credit_sek is not None else None
    return row


class DisputeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, dispute_id: str) -> Dispute | None:
        query = select(disputes).where(disputes.c.dispute_id == dispute_id)
        row = (await self._session.execute(query)).mappings().first()
        return _dispute(row) if row else None

    async def of_stay_month(self, agreement: str, period: str, stay_id: str) -> list[Dispute]:
        query = select(disputes).where(
            disputes.c.agreement == agreement, disputes.c.period == period, disputes.c.stay_id == stay_id
        )
        return [_dispute(row) for row in (await self._session.execute(query)).mappings()]

    async def credited(self, agreement: str, period: str) -> dict[tuple[str, str], str]:
        """The month's accepted disputes: (stay id, municipality) → dispute id (domain/cohort.py `Credited`)."""
        query = select(disputes.c.stay_id, disputes.c.municipality, disputes.c.dispute_id).where(
            disputes.c.agreement == agreement, disputes.c.period == period, disputes.c.status == "accepted"
        )
        return {(stay, municipality): d for stay, municipality, d in (await self._session.execute(query)).all()}

    async def page(
        self, status: str | None, municipality: str | None, limit: int, offset: int
    ) -> tuple[list[Dispute], int]:
        """Newest first, filtered by status and municipality; with the count of all that match."""
        conditions = []
        if status is not None:
            conditions.append(disputes.c.status == status)
        if municipality is not None:
            conditions.append(disputes.c.municipality == municipality)
        query = (
            select(disputes)
            .where(*conditions)
            .order_by(disputes.c.opened_at.desc(), disputes.c.dispute_id)
            .limit(limit)
            .offset(offset)
        )
        total = (await self._session.execute(select(func.count()).select_from(disputes).where(*conditions))).scalar()
        return [_dispute(row) for row in (await self._session.execute(query)).mappings()], int(total or 0)

    async def add(self, dispute: Dispute) -> None:
        await self._session.execute(insert(disputes).values(**_row(dispute)))

    async def save(self, dispute: Dispute) -> None:
        row = _row(dispute)
        await self._session.execute(update(disputes).where(disputes.c.dispute_id == dispute.dispute_id).values(**row))
