"""The read models each user group works from (cosmicpython's views: queries, no domain change): a receiver's
inbox of cases, the ward's list of stays and its due list, a patient's stays found by id, the stays of a month's
follow-up (domain §4: deadlines visible, breaches measurable per unit and month). The messages' read side is
`message_views.py`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.repository import (
    CaseRepository,
    StayRepository,
    case_from_row,
    stay_from_document,
    stay_from_row,
)
from planning.adapters.tables import cases, stays
from planning.domain.case import Case
from planning.domain.deadlines import month_bounds
from planning.domain.due import stay_due
from planning.domain.kinds import DueItem
from planning.domain.message import Party
from planning.domain.stay import PlannedStay, StayStatus
from planning.service_layer import message_views
from svu_shared.auth import read_access_open


@dataclass(frozen=True)
class InboxRow:
    """One row of a receiver's inbox: the case, its stay and how many of the stay's messages are unread."""

    case: Case
    stay: PlannedStay
    unacknowledged: int
    new_messages: int | None = None  # for the user, since they last opened the stay (ADR 0014)


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
    reader: str,
    since: datetime,
    unread: bool = False,
    ready: bool = False,
    sort: str | None = None,
) -> tuple[list[InboxRow], int]:
    """The receiver's (kind, id) cases, newest first (`sort`: "ready", longest discharge-ready first; "estimated",
    earliest estimated discharge date first; those without last), and how many there are in all; what is unread
    for the receiver and new for the `reader` (a token subject). `unread`: only cases with a message the receiver
    has not acknowledged; `ready`: only open cases of discharge-ready patients not yet discharged."""
    query = select(cases, *[c for c in stays.c if c.name not in cases.c]).join(
        stays, stays.c.stay_id == cases.c.stay_id
    )
    for column, value in ((cases.c.receiver_kind, receiver[0]), (cases.c.receiver_id, receiver[1])):
        query = query.where(column == value)
    query = query.where(read_access_open_sql(since))
    if stay_id:
        query = query.where(cases.c.stay_id == stay_id)
    # As each row's status says (`CaseOut`): a cancelled notice's cases are "cancelled" (they close with it, ADR 0014),
    # other closed cases "closed", an open case its stay's status.
    cancelled = stays.c.status == StayStatus.CANCELLED.value
    if status == "cancelled":
        query = query.where(cancelled)
    elif status == "closed":
        query = query.where(cases.c.closed_at.is_not(None), ~cancelled)
    elif status:
        query = query.where(stays.c.status == status, cases.c.closed_at.is_(None))
    if unread:
        query = query.where(message_views.case_unread())
    if ready:
        query = query.where(stays.c.status == StayStatus.DISCHARGE_READY.value, cases.c.closed_at.is_(None))
    if sort in INBOX_ORDER:
        query = query.order_by(INBOX_ORDER[sort].is_(None), INBOX_ORDER[sort])
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
    unacked = await message_views.unacknowledged(session, [case.case_id for case, _ in pairs])
    new = await message_views.case_new_messages(session, reader, [case for case, _ in pairs])
    return [InboxRow(c, s, unacked.get(c.case_id, 0), new.get(c.case_id, 0)) for c, s in pairs], total


INBOX_ORDER = {"ready": stays.c.ready_at, "estimated": stays.c.estimated_discharge_date}


def _case_and_stay(row: Any) -> tuple[Case, PlannedStay]:
    """A closed case with its stay as it was when it closed (ADR 0025), an open one with the stay as it is."""
    as_closed = row["stay_as_closed"] if row["closed_at"] is not None else None
    return case_from_row(row), stay_from_document(as_closed) if as_closed else stay_from_row(row)


async def stay(session: AsyncSession, stay_id: str) -> PlannedStay | None:
    return await StayRepository(session).get(stay_id)


async def stay_cases(session: AsyncSession, stay_ids: list[str]) -> dict[str, list[Case]]:
    """The receivers' cases of each stay (a list's page, or one stay)."""
    return await CaseRepository(session).of_stays(stay_ids) if stay_ids else {}


async def case_with_stay(session: AsyncSession, case_id: str, since: datetime) -> tuple[Case, PlannedStay] | None:
    """The case and its stay as its receiver reads it: as it was when the case closed, for a closed case that kept
    it; None once the read access after the stay's discharge ended (`since`, ADR 0025)."""
    case = await CaseRepository(session).get(case_id)
    its_stay = await stay(session, case.stay_id) if case else None
    if case is None or its_stay is None or not read_access_open(its_stay.discharged_at, since):
        return None
    as_closed = await CaseRepository(session).stay_as_closed(case_id) if case.closed_at else None
    return case, as_closed or its_stay


async def closed_case(session: AsyncSession, case_id: str) -> tuple[Case, PlannedStay | None] | None:
    """A closed case and its stay as it was when it closed (None: closed before that was kept); None if the case
    is open or there is none."""
    case = await CaseRepository(session).get(case_id)
    if case is None or case.closed_at is None:
        return None
    return case, await CaseRepository(session).stay_as_closed(case_id)


def read_access_open_sql(since: datetime) -> ColumnElement[bool]:
    """`svu_shared.auth.read_access_open` over `stays`: not discharged, or discharged after `since` (ADR 0025)."""
    return or_(stays.c.discharged_at.is_(None), stays.c.discharged_at > since)


# The column that makes a stay the caller's own patient (ADR 0011): a ward's by the ward it is on, a
# municipality's by its residents, primary care's by the vårdcentral on the notice.
OWN_STAYS = {"ward": stays.c.care_unit, "municipality": stays.c.municipality, "primary_care": stays.c.primary_care_unit}


async def stay_list(
    session: AsyncSession,
    owner: tuple[str, str],
    *,
    limit: int,
    offset: int,
    since: datetime,
    care_unit: str | None = None,
    municipality: str | None = None,
    status: str | None = None,
    late_notice: bool | None = None,
    patient_id: str | None = None,
    unread: bool = False,
) -> tuple[list[PlannedStay], int]:
    """The owner's (role, org) stays (of one patient, by personnummer or samordningsnummer, if `patient_id`; with a
    message the owner has not acknowledged, if `unread`), newest admission first, and how many there are in all."""
    query = select(stays).where(OWN_STAYS[owner[0]] == owner[1], read_access_open_sql(since))
    for column, value in (
        (stays.c.care_unit, care_unit),
        (stays.c.municipality, municipality),
        (stays.c.status, status),
        (stays.c.patient_id, patient_id),
    ):
        if value:
            query = query.where(column == value)
    if late_notice is not None:
        late = stays.c.notice_sent_at > stays.c.notice_deadline
        query = query.where(late if late_notice else ~late)
    if unread:
        query = query.where(message_views.stay_unread(Party(owner[0], owner[1])))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    page = query.order_by(stays.c.admitted_at.desc(), stays.c.stay_id).limit(limit).offset(offset)
    return [stay_from_row(row) for row in (await session.execute(page)).mappings()], total


async def stays_of_month(session: AsyncSession, month: str) -> list[PlannedStay]:
    """Every stay with a notice, a SIP invitation due or a discharge in the month (`YYYY-MM`, in Sweden)."""
    start, end = month_bounds(month)
    in_month = or_(*(stays.c[name].between(start, end) for name in ("notice_sent_at", "sip_due_at", "discharged_at")))
    return [stay_from_row(row) for row in (await session.execute(select(stays).where(in_month))).mappings()]


@dataclass(frozen=True)
class DueRow:
    """One row of the ward's due list: the stay, its cases and everything due on it."""

    stay: PlannedStay
    cases: list[Case]
    due: list[DueItem]


async def ward_due(
    session: AsyncSession, ward: str, *, overdue: bool, limit: int, offset: int, now: datetime, since: datetime
) -> tuple[list[DueRow], int]:
    """The ward's patients with something due (every party's), overdue first, then by the earliest deadline. The
    stays that can have nothing due (cancelled, interrupted, discharged with both documents sent) are left out in
    SQL; what is due depends on the plan's records, so the rest is decided here (as the inbox's `overdue`)."""
    done = and_(
        stays.c.status == StayStatus.DISCHARGED.value,
        stays.c.epicrisis_sent_at.is_not(None),
        stays.c.medication_list_sent_at.is_not(None),
    )
    query = select(stays).where(
        stays.c.care_unit == ward,
        stays.c.status != StayStatus.CANCELLED.value,
        stays.c.interrupted_at.is_(None),
        ~done,
        read_access_open_sql(since),
    )
    found = [stay_from_row(row) for row in (await session.execute(query)).mappings()]
    of_stay = await stay_cases(session, [s.stay_id for s in found])
    rows = [DueRow(s, of_stay[s.stay_id], stay_due(s, of_stay[s.stay_id], now)) for s in found]
    rows = [r for r in rows if r.due and (not overdue or any(i.overdue for i in r.due))]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    rows.sort(
        key=lambda r: (
            not any(i.overdue for i in r.due),
            min((i.due_at for i in r.due if i.due_at), default=far),
            -r.stay.admitted_at.timestamp(),
            r.stay.stay_id,
        )
    )
    return rows[offset : offset + limit], len(rows)
