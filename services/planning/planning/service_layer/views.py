"""The read models each user group works from (cosmicpython's views: queries, no domain change): a receiver's
inbox of cases, the ward's list of stays, each stay's messages with their kvittens, the stays of a month's
follow-up (domain §4: deadlines visible, breaches measurable per unit and month)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.repository import CaseRepository, StayRepository, case_from_row, stay_from_row
from planning.adapters.tables import acknowledgements, cases, messages, stays
from planning.domain.case import Case
from planning.domain.deadlines import month_bounds
from planning.domain.stay import PlannedStay

Row = dict[str, Any]


@dataclass(frozen=True)
class InboxRow:
    """One row of a receiver's inbox: the case, its stay and how many of the stay's messages are unread."""

    case: Case
    stay: PlannedStay
    unacknowledged: int


async def inbox(
    session: AsyncSession,
    receiver: tuple[str, str],
    *,
    stay_id: str | None,
    status: str | None,
    overdue: bool,
    limit: int,
    offset: int,
    now: datetime,
) -> tuple[list[InboxRow], int]:
    """The receiver's (kind, id) cases, newest first, and how many there are in all."""
    query = select(cases, *[c for c in stays.c if c.name not in cases.c]).join(
        stays, stays.c.stay_id == cases.c.stay_id
    )
    for column, value in ((cases.c.receiver_kind, receiver[0]), (cases.c.receiver_id, receiver[1])):
        query = query.where(column == value)
    if stay_id:
        query = query.where(cases.c.stay_id == stay_id)
    if status == "closed":
        query = query.where(cases.c.closed_at.is_not(None))
    elif status:
        query = query.where(stays.c.status == status, cases.c.closed_at.is_(None))
    query = query.order_by(cases.c.opened_at.desc(), cases.c.case_id)
    if overdue:  # deadlines depend on the plan's records: filtered here, over the receiver's open cases only
        rows = (await session.execute(query.where(cases.c.closed_at.is_(None)))).mappings().all()
        pairs = [
            p for p in map(_case_and_stay, rows) if any(d.overdue for d in p[1].due_items(p[0].receiver_kind, now))
        ]
        total, pairs = len(pairs), pairs[offset : offset + limit]
    else:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        pairs = [_case_and_stay(r) for r in (await session.execute(query.limit(limit).offset(offset))).mappings()]
    unread = await unacknowledged(session, [case.case_id for case, _ in pairs])
    return [InboxRow(case, stay, unread.get(case.case_id, 0)) for case, stay in pairs], total


def _case_and_stay(row: Any) -> tuple[Case, PlannedStay]:
    return case_from_row(row), stay_from_row(row)


async def unacknowledged(session: AsyncSession, case_ids: list[str]) -> dict[str, int]:
    """Messages of each case's stay that the case's receiver has not acknowledged."""
    if not case_ids:
        return {}
    acked = select(acknowledgements.c.message_id).where(acknowledgements.c.case_id == cases.c.case_id)
    query = (
        select(cases.c.case_id, func.count(messages.c.message_id))
        .join(messages, messages.c.stay_id == cases.c.stay_id)
        .where(cases.c.case_id.in_(case_ids), messages.c.message_id.not_in(acked.scalar_subquery()))
        .group_by(cases.c.case_id)
    )
    return {row[0]: row[1] for row in await session.execute(query)}


async def stay(session: AsyncSession, stay_id: str) -> PlannedStay | None:
    return await StayRepository(session).get(stay_id)


async def case_with_stay(session: AsyncSession, case_id: str) -> tuple[Case, PlannedStay] | None:
    case = await CaseRepository(session).get(case_id)
    its_stay = await stay(session, case.stay_id) if case else None
    return None if case is None or its_stay is None else (case, its_stay)


async def case_messages(session: AsyncSession, case: Case) -> list[Row]:
    """The stay's messages as the case's receiver sees them, each with its own kvittens (`acknowledged_at`)."""
    acked = select(acknowledgements).where(acknowledgements.c.case_id == case.case_id).subquery()
    query = (
        select(messages, acked.c.acknowledged_at)
        .outerjoin(acked, acked.c.message_id == messages.c.message_id)
        .where(messages.c.stay_id == case.stay_id)
        .order_by(messages.c.occurred_at, messages.c.message_id)
    )
    return [dict(row) for row in (await session.execute(query)).mappings()]


async def message(session: AsyncSession, message_id: str) -> Row:
    return dict((await session.execute(select(messages).where(messages.c.message_id == message_id))).mappings().one())


# The column that makes a stay the caller's own patient (ADR 0011): a ward's by the ward it is on, a
# municipality's by its residents, primary care's by the vårdcentral on the notice.
OWN_STAYS = {"ward": stays.c.care_unit, "municipality": stays.c.municipality, "primary_care": stays.c.primary_care_unit}


async def stay_list(
    session: AsyncSession,
    owner: tuple[str, str],
    *,
    care_unit: str | None,
    municipality: str | None,
    status: str | None,
    late_notice: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[PlannedStay], int]:
    """The owner's (role, org) stays, newest admission first, and how many there are in all."""
    query = select(stays).where(OWN_STAYS[owner[0]] == owner[1])
    for column, value in (
        (stays.c.care_unit, care_unit),
        (stays.c.municipality, municipality),
        (stays.c.status, status),
    ):
        if value:
            query = query.where(column == value)
    if late_notice is not None:
        late = stays.c.notice_sent_at > stays.c.notice_deadline
        query = query.where(late if late_notice else ~late)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    page = query.order_by(stays.c.admitted_at.desc(), stays.c.stay_id).limit(limit).offset(offset)
    return [stay_from_row(row) for row in (await session.execute(page)).mappings()], total


async def stay_messages(session: AsyncSession, stay_id: str) -> list[tuple[Row, list[str]]]:
    """For the sender: each message of the stay and the cases whose receivers have acknowledged it."""
    query = (
        select(messages).where(messages.c.stay_id == stay_id).order_by(messages.c.occurred_at, messages.c.message_id)
    )
    rows = [dict(row) for row in (await session.execute(query)).mappings()]
    acks = select(acknowledgements).where(acknowledgements.c.message_id.in_([r["message_id"] for r in rows]))
    by_message: dict[str, list[str]] = {}
    for ack in sorted((await session.execute(acks)).mappings(), key=lambda a: a["case_id"]):
        by_message.setdefault(ack["message_id"], []).append(ack["case_id"])
    return [(row, by_message.get(row["message_id"], [])) for row in rows]


async def stays_of_month(session: AsyncSession, month: str) -> list[PlannedStay]:
    """Every stay with a notice, a SIP invitation due or a discharge in the month (`YYYY-MM`, in Sweden)."""
    start, end = month_bounds(month)
    in_month = or_(*(stays.c[name].between(start, end) for name in ("notice_sent_at", "sip_due_at", "discharged_at")))
    return [stay_from_row(row) for row in (await session.execute(select(stays).where(in_month))).mappings()]
