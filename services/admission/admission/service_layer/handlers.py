"""Use cases of the admission service: each runs in one transaction with its outbox rows."""

from dataclasses import asdict

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from admission.adapters.tables import messaging, stays
from admission.domain.notice import AdmissionNotice, NoticeRuleBroken
from svu_shared.contracts import AdmissionNoticeSent
from svu_shared.outbox import add_to_outbox


async def send_admission_notice(session: AsyncSession, notice: AdmissionNotice) -> None:
    existing = await session.execute(select(stays.c.stay_id).where(stays.c.stay_id == notice.stay_id))
    if existing.first() is not None:
        raise NoticeRuleBroken(f"stay {notice.stay_id} already has an admission notice")
    row = asdict(notice)
    row["notice_sent_at"] = row.pop("sent_at")
    await session.execute(insert(stays).values(**row, notice_deadline=notice.deadline))
    await add_to_outbox(session, messaging.outbox, AdmissionNoticeSent(**asdict(notice)))


async def get_stay(session: AsyncSession, stay_id: str) -> dict | None:
    row = (await session.execute(select(stays).where(stays.c.stay_id == stay_id))).mappings().first()
    return dict(row) if row else None
