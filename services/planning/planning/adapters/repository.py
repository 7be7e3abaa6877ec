"""The planning aggregates in their tables (cosmicpython's repository): a stay, loaded with its row locked when it
is to change, and the receivers' cases of a stay. Each repository works in the caller's transaction, so a change
and its outbox row commit together (architecture §3). While the session applies a partition batch, a stay the batch
covers, and its cases, are the batch's (`adapters/batch.py`, ADR 0020): read from it and written at its end."""

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.batch import stay_batch
from planning.adapters.rows import as_closed, case_from_row, case_row, stay_from_document, stay_from_row, stay_row
from planning.adapters.tables import cases, stays
from planning.domain.case import Case
from planning.domain.stay import PlannedStay
from svu_shared.batch import update_rows

__all__ = ["CaseRepository", "StayRepository", "case_from_row", "stay_from_document", "stay_from_row"]


class StayRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, stay_id: str, lock: bool = False) -> PlannedStay | None:
        """The stay; with `lock`, its row stays locked until the transaction ends: a stay's changes (and so its
        outbox rows) are serialised in commit order (ADR 0012). A batch's stays were locked when it loaded them."""
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay_id):
            return batch.stay(stay_id)
        query = select(stays).where(stays.c.stay_id == stay_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).mappings().first()
        return stay_from_row(row) if row else None

    async def municipality_of(self, stay_id: str) -> str | None:
        """The stay's municipality as this transaction sees it (a batch's stay as the batch has it), or None."""
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay_id):
            stay = batch.stay(stay_id)
            return None if stay is None else stay.municipality
        found = await self._session.execute(select(stays.c.municipality).where(stays.c.stay_id == stay_id))
        return found.scalar()

    async def add(self, stay: PlannedStay) -> None:
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay.stay_id):
            batch.add_stay(stay)
            return
        await self._session.execute(insert(stays), stay_row(stay))

    async def save(self, stay: PlannedStay) -> None:
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay.stay_id):
            batch.save_stay(stay)
            return
        await update_rows(self._session, stays, "stay_id", [stay_row(stay)])


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, case_id: str) -> Case | None:
        row = (await self._session.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
        return case_from_row(row) if row else None

    async def of_stay(self, stay_id: str) -> list[Case]:
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay_id):
            return batch.cases_of(stay_id)
        query = select(cases).where(cases.c.stay_id == stay_id).order_by(cases.c.case_id)
        return [case_from_row(row) for row in (await self._session.execute(query)).mappings()]

    async def of_stays(self, stay_ids: list[str]) -> dict[str, list[Case]]:
        """The cases of each of the stays (a list's page), by stay."""
        found: dict[str, list[Case]] = {stay_id: [] for stay_id in stay_ids}
        query = select(cases).where(cases.c.stay_id.in_(stay_ids)).order_by(cases.c.case_id)
        for row in (await self._session.execute(query)).mappings():
            found[row["stay_id"]].append(case_from_row(row))
        return found

    async def add(self, case: Case) -> None:
        if (batch := stay_batch(self._session)) is not None and batch.covers(case.stay_id):
            batch.add_case(case)
            return
        await self._session.execute(insert(cases), case_row(case))

    async def stay_as_closed(self, case_id: str) -> PlannedStay | None:
        """The stay as it was when the case closed (ADR 0025); None for an open case."""
        query = select(cases.c.stay_as_closed).where(cases.c.case_id == case_id, cases.c.closed_at.is_not(None))
        document = (await self._session.execute(query)).scalar_one_or_none()
        return None if document is None else stay_from_document(document)

    async def save(self, case: Case, stay: PlannedStay | None = None) -> None:
        """The case; a case that closes keeps `stay`, its stay as it is at the closing (what its receiver reads from
        then on, ADR 0025), and one that reopens keeps none."""
        if (batch := stay_batch(self._session)) is not None and batch.covers(case.stay_id):
            batch.save_case(case, stay)
            return
        values: dict[str, Any] = case_row(case, as_closed(case, stay, None))
        if case.closed_at is not None and stay is None:
            del values["stay_as_closed"]  # a closed case saved without its stay keeps what it kept
        await self._session.execute(update(cases).where(cases.c.case_id == case.case_id).values(**values))
