"""Admission notices as the use cases load and save them: one row of `stays` per notice."""

from dataclasses import asdict, fields
from functools import cache
from typing import Any

from sqlalchemy import TextualSelect, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from admission.adapters.tables import stays
from admission.domain.notice import AdmissionNotice
from svu_shared.batch import update_rows


class NoticeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, stay_id: str, lock: bool = False) -> AdmissionNotice | None:
        """With `lock`, the stay's row stays locked until the transaction ends: a change is decided on the
        notice as it is, and its outbox row follows the stay's earlier ones (ADR 0012)."""
        query = select(stays).where(stays.c.stay_id == stay_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _notice(row)

    async def of_patient(self, patient_id: str) -> list[AdmissionNotice]:
        """Every stay of the patient, the latest admission first (the ward's search, ADR 0015)."""
        query = select(stays).where(stays.c.patient_id == patient_id)
        rows = await self._session.execute(query.order_by(stays.c.admitted_at.desc(), stays.c.stay_id))
        return [_notice(row) for row in rows.mappings()]

    async def add_if_new(self, notice: AdmissionNotice) -> AdmissionNotice | None:
        """The notice as stored, or None when the stay has one already (left as it is). One round trip: the row
        comes back from the insert (ADR 0020); a concurrent insert of the same stay waits for the other's commit."""
        row = (await self._session.execute(_insert_if_new(), _row(notice))).mappings().first()
        return None if row is None else _notice(row)

    async def save(self, notice: AdmissionNotice) -> None:
        await update_rows(self._session, stays, "stay_id", [_row(notice)])


@cache
def _insert_if_new() -> TextualSelect:
    """`INSERT … ON CONFLICT DO NOTHING RETURNING …` of every column, as PostgreSQL and SQLite both read it, with each
    value through its column's type. Written as text because SQLAlchemy's dialect inserts with `on_conflict_*` are
    never cached (`inherit_cache = False`): each notice compiled the statement again, a tenth of admission's CPU
    (ADR 0020). A text statement with typed parameters is compiled once."""
    names = [column.name for column in stays.c]
    sql = (
        f"INSERT INTO stays ({', '.join(names)}) VALUES ({', '.join(f':{name}' for name in names)}) "
        f"ON CONFLICT DO NOTHING RETURNING {', '.join(names)}"
    )
    return text(sql).bindparams(*(bindparam(c.name, type_=c.type) for c in stays.c)).columns(*stays.c)


def _notice(row: Any) -> AdmissionNotice:
    values = {f.name: row[f.name] for f in fields(AdmissionNotice) if f.name != "sent_at"}
    return AdmissionNotice(**values, sent_at=row["notice_sent_at"])


def _row(notice: AdmissionNotice) -> dict[str, Any]:
    row = asdict(notice)
    row["notice_sent_at"] = row.pop("sent_at")
    return {**row, "notice_deadline": notice.deadline}  # stored for queries; the domain computes it
