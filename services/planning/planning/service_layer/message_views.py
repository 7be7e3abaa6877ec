"""The read side of a stay's messages (ADR 0010, ADR 0014): the timeline a party sees (each message with its
sender, addressee, text, every party's kvittens and whether it is new to the user), and the counts the lists show:
messages a receiver or the ward has not acknowledged, and messages new to a user since they last opened the stay.

A party sees the messages to all, to it and its own (`domain/message.py`); the SQL below says the same for counts
over many stays. A sender kept as NULL (before ADR 0014) is no party's: `coalesce` keeps NOT from turning unknown.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.message_log import header_of
from planning.adapters.openings import StayOpenings
from planning.adapters.tables import acknowledgements, cases, messages, stay_openings, stays, ward_acknowledgements
from planning.domain.case import Case
from planning.domain.message import Party

Row = dict[str, Any]


def _names(role: Any, org: Any, kind: Any, party_org: Any) -> ColumnElement[bool]:
    """(role, org) columns name the party (kind, party_org): values or columns; the ward side by kind alone."""
    same_kind = func.coalesce(role, "") == kind
    if isinstance(kind, str) and kind == "ward":
        return same_kind
    return and_(same_kind, func.coalesce(org, "") == party_org)


def sent_by(kind: Any, org: Any) -> ColumnElement[bool]:
    return _names(messages.c.sender_role, messages.c.sender_org, kind, org)


def seen_by(kind: Any, org: Any) -> ColumnElement[bool]:
    addressed = _names(messages.c.to_role, messages.c.to_org, kind, org)
    return or_(messages.c.to_role.is_(None), sent_by(kind, org), addressed)


async def timeline(
    session: AsyncSession, stay_id: str, party: Party, since: datetime | None, until: datetime | None = None
) -> list[Row]:
    """The stay's messages the party sees, oldest first, each with every party's kvittens (`acknowledgements`,
    and the receivers' case ids in `acknowledged_by`), the party's own kvittens time, and whether it is `own` or
    `new` for a user who last opened the stay at `since` (None: never). With `until` (a closed case's closing,
    ADR 0025) only what was known then: messages that occurred and arrived by it, kvittens given by it."""
    query = (
        select(messages).where(messages.c.stay_id == stay_id).order_by(messages.c.occurred_at, messages.c.message_id)
    )
    if until is not None:
        query = query.where(messages.c.occurred_at <= until, messages.c.received_at <= until)
    rows = [dict(r) for r in (await session.execute(query)).mappings() if header_of(r).seen_by(party)]
    ids = [r["message_id"] for r in rows]
    by_case = (
        select(acknowledgements, cases.c.receiver_kind, cases.c.receiver_id)
        .join(cases, cases.c.case_id == acknowledgements.c.case_id)
        .where(acknowledgements.c.message_id.in_(ids))
    )
    by_ward = select(ward_acknowledgements).where(ward_acknowledgements.c.message_id.in_(ids))
    if until is not None:
        by_case = by_case.where(acknowledgements.c.acknowledged_at <= until)
        by_ward = by_ward.where(ward_acknowledgements.c.acknowledged_at <= until)
    acks: dict[str, list[Row]] = {}
    for ack in (await session.execute(by_case)).mappings():
        by_receiver = _ack(ack, ack["receiver_kind"], ack["receiver_id"])
        acks.setdefault(ack["message_id"], []).append({**by_receiver, "case_id": ack["case_id"]})
    for ack in (await session.execute(by_ward)).mappings():
        acks.setdefault(ack["message_id"], []).append({**_ack(ack, "ward", ack["care_unit"]), "case_id": None})
    found = []
    for row in rows:
        header = header_of(row)
        given = sorted(acks.get(row["message_id"], []), key=lambda a: a["acknowledged_at"])
        mine = next((a for a in given if party.is_(a["party_kind"], a["party_id"])), None)
        found.append(
            {
                **row,
                "own": header.sent_by(party),
                "new": header.is_new(party, since),
                "acknowledged_at": mine["acknowledged_at"] if mine else None,
                "acknowledged_by": sorted(a["case_id"] for a in given if a["case_id"]),
                "acknowledgements": [{k: v for k, v in a.items() if k != "case_id"} for a in given],
            }
        )
    return found


def _ack(ack: Any, kind: str, org: str) -> Row:
    return {
        "party_kind": kind,
        "party_id": org,
        "acknowledged_at": ack["acknowledged_at"],
        "acknowledged_by": ack["acknowledged_by"],
    }


def known_to_case() -> ColumnElement[bool]:
    """For a query over `cases` and `messages`: the message is one the case's receiver may know of: any while the
    case is open, those that occurred and arrived by its closing once it closed (ADR 0025)."""
    closed_at = cases.c.closed_at
    by_closing = and_(messages.c.occurred_at <= closed_at, messages.c.received_at <= closed_at)
    return or_(closed_at.is_(None), by_closing)


def case_unread() -> ColumnElement[bool]:
    """For a query over `cases`: the case's stay has a message its receiver sees and has not acknowledged, not its
    own (what `unacknowledged` counts), as a filter."""
    kind, org = cases.c.receiver_kind, cases.c.receiver_id
    acked = select(acknowledgements.c.message_id).where(acknowledgements.c.case_id == cases.c.case_id).correlate(cases)
    return (
        select(messages.c.message_id)
        .where(messages.c.stay_id == cases.c.stay_id, messages.c.message_id.not_in(acked.scalar_subquery()))
        .where(seen_by(kind, org), not_(sent_by(kind, org)), known_to_case())
        .correlate(cases)
        .exists()
    )


def stay_unread(party: Party) -> ColumnElement[bool]:
    """For a query over `stays`: the party has a message of the stay to acknowledge (the ward side: another party's
    message no ward has acknowledged; a receiver: one its case has not)."""
    if party.kind == "ward":
        acked = select(ward_acknowledgements.c.message_id)
        return (
            select(messages.c.message_id)
            .where(messages.c.stay_id == stays.c.stay_id, messages.c.message_id.not_in(acked.scalar_subquery()))
            .where(seen_by("ward", ""), not_(sent_by("ward", "")))
            .correlate(stays)
            .exists()
        )
    own = and_(cases.c.receiver_kind == party.kind, cases.c.receiver_id == party.org)
    return (
        select(cases.c.case_id).where(cases.c.stay_id == stays.c.stay_id, own, case_unread()).correlate(stays).exists()
    )


async def unacknowledged(session: AsyncSession, case_ids: list[str]) -> dict[str, int]:
    """Messages of each case's stay its receiver sees and has not acknowledged; never its own."""
    if not case_ids:
        return {}
    kind, org = cases.c.receiver_kind, cases.c.receiver_id
    acked = select(acknowledgements.c.message_id).where(acknowledgements.c.case_id == cases.c.case_id)
    query = (
        select(cases.c.case_id, func.count(messages.c.message_id))
        .join(messages, messages.c.stay_id == cases.c.stay_id)
        .where(cases.c.case_id.in_(case_ids), messages.c.message_id.not_in(acked.scalar_subquery()))
        .where(seen_by(kind, org), not_(sent_by(kind, org)), known_to_case())
        .group_by(cases.c.case_id)
    )
    return {row[0]: row[1] for row in await session.execute(query)}


async def ward_unacknowledged(session: AsyncSession, stay_ids: list[str]) -> dict[str, int]:
    """Messages of each stay from the other parties that the ward side has not acknowledged."""
    acked = select(ward_acknowledgements.c.message_id)
    query = (
        select(messages.c.stay_id, func.count())
        .where(messages.c.stay_id.in_(stay_ids), messages.c.message_id.not_in(acked.scalar_subquery()))
        .where(seen_by("ward", ""), not_(sent_by("ward", "")))
        .group_by(messages.c.stay_id)
    )
    return {row[0]: row[1] for row in await session.execute(query)}


async def new_messages(
    session: AsyncSession, party: Party, subject: str, stay_ids: list[str], until: datetime | None = None
) -> dict[str, int]:
    """For each stay: the messages the party sees, not its own, that arrived since the user last opened it (and,
    with `until`, a closed case's closing, by then: ADR 0025)."""
    if not stay_ids:
        return {}
    o = stay_openings
    opened = and_(o.c.stay_id == messages.c.stay_id, o.c.subject == subject[:200])
    query = (
        select(messages.c.stay_id, func.count())
        .select_from(messages.outerjoin(o, opened))
        .where(messages.c.stay_id.in_(stay_ids), seen_by(party.kind, party.org), not_(sent_by(party.kind, party.org)))
        .where(or_(o.c.opened_at.is_(None), messages.c.received_at > o.c.opened_at))
        .group_by(messages.c.stay_id)
    )
    if until is not None:
        query = query.where(messages.c.occurred_at <= until, messages.c.received_at <= until)
    return {row[0]: row[1] for row in await session.execute(query)}


async def case_new_messages(session: AsyncSession, subject: str, found: list[Case]) -> dict[str, int]:
    """New messages per case of a receiver's list, for the user (ADR 0014)."""
    if not found:
        return {}
    party = Party(found[0].receiver_kind, found[0].receiver_id)
    counts = await new_messages(session, party, subject, [c.stay_id for c in found if c.closed_at is None])
    for closed in (c for c in found if c.closed_at is not None):  # each up to its own closing (ADR 0025)
        counts |= await new_messages(session, party, subject, [closed.stay_id], closed.closed_at)
    return {c.case_id: counts.get(c.stay_id, 0) for c in found}


async def seen_since(session: AsyncSession, stay_id: str, subject: str) -> datetime | None:
    """What a timeline marks new from: the user's opening of the stay before the latest, the latest being the one
    that shows the timeline (None: they have not opened it twice, so everything is new)."""
    _, before_last = await StayOpenings(session).last(stay_id, subject)
    return before_last
