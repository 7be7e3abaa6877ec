"""The planning aggregates in their tables (cosmicpython's repository): a stay, loaded with its row locked when it
is to change, and the receivers' cases of a stay. Each repository works in the caller's transaction, so a change
and its outbox row commit together (architecture §3)."""

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import RECORDS, cases, stays
from planning.domain.case import Case
from planning.domain.stay import PlannedStay, StayStatus


def stay_from_row(row: Any) -> PlannedStay:
    values = {f.name: row[f.name] for f in fields(PlannedStay)}
    values["status"] = StayStatus(values["status"])
    for name in RECORDS:
        if values[name] is not None:  # JSON keeps times as text; the rules compare them as instants
            values[name] = {**values[name], "recorded_at": datetime.fromisoformat(values[name]["recorded_at"])}
    return PlannedStay(**values)


def _stay_row(stay: PlannedStay) -> dict[str, Any]:
    row = asdict(stay)
    for name in RECORDS:
        if row[name] is not None:
            row[name] = {**row[name], "recorded_at": row[name]["recorded_at"].isoformat()}
    return row


def case_from_row(row: Any) -> Case:
    return Case(**{f.name: row[f.name] for f in fields(Case)})


# A stay as a JSON document (a closed case's `stay_as_closed`), and back as the stay it was.
_STAY_DOCUMENT = TypeAdapter(PlannedStay)


def stay_as_document(stay: PlannedStay) -> dict[str, Any]:
    return _STAY_DOCUMENT.dump_python(stay, mode="json")  # type: ignore[no-any-return]


def stay_from_document(document: dict[str, Any]) -> PlannedStay:
    return stay_from_row(_STAY_DOCUMENT.validate_python(document).__dict__)


class StayRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, stay_id: str, lock: bool = False) -> PlannedStay | None:
        """The stay; with `lock`, its row stays locked until the transaction ends: a stay's changes (and so its
        outbox rows) are serialised in commit order (ADR 0012)."""
        query = select(stays).where(stays.c.stay_id == stay_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).mappings().first()
        return stay_from_row(row) if row else None

    async def add(self, stay: PlannedStay) -> None:
        await self._session.execute(insert(stays).values(**_stay_row(stay)))

    async def save(self, stay: PlannedStay) -> None:
        await self._session.execute(update(stays).where(stays.c.stay_id == stay.stay_id).values(**_stay_row(stay)))


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, case_id: str) -> Case | None:
        row = (await self._session.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
        return case_from_row(row) if row else None

    async def of_stay(self, stay_id: str) -> list[Case]:
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
        await self._session.execute(insert(cases).values(**asdict(case)))

    async def stay_as_closed(self, case_id: str) -> PlannedStay | None:
        """The stay as it was when the case closed (ADR 0025); None for an open case."""
        query = select(cases.c.stay_as_closed).where(cases.c.case_id == case_id, cases.c.closed_at.is_not(None))
        document = (await self._session.execute(query)).scalar_one_or_none()
        return None if document is None else stay_from_document(document)

    async def save(self, case: Case, stay: PlannedStay | None = None) -> None:
        """The case; a case that closes keeps `stay`, its stay as it is at the closing (what its receiver reads from
        then on, ADR 0025), and one that reopens keeps none."""
        values: dict[str, Any] = asdict(case)
        if case.closed_at is None:
            values["stay_as_closed"] = None
        elif stay is not None:
            values["stay_as_closed"] = stay_as_document(stay)
        await self._session.execute(update(cases).where(cases.c.case_id == case.case_id).values(**values))
