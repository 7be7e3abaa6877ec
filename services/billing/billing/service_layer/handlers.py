"""Billing's event handlers and queries: facts in, ready periods out."""

from dataclasses import asdict

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.event_facts import BILLED_EVENT_TYPES, fact_from_event
from billing.adapters.tables import stay_facts
from billing.domain.facts import FactKind, StayFact, check_new_fact
from billing.domain.ready_periods import StayTimeline, stay_timeline
from svu_shared.contracts import IntegrationEvent
from svu_shared.envelope import CloudEvent
from svu_shared.inbox import Handler


async def record_fact(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    fact = fact_from_event(envelope.id, event)
    if fact is not None:
        check_new_fact(await facts_of_stay(session, fact.stay_id), fact)
        await session.execute(insert(stay_facts).values(**asdict(fact)))


async def facts_of_stay(session: AsyncSession, stay_id: str) -> list[StayFact]:
    rows = (await session.execute(select(stay_facts).where(stay_facts.c.stay_id == stay_id))).mappings().all()
    return [StayFact(**{**r, "kind": FactKind(r["kind"])}) for r in rows]


async def timeline_of(session: AsyncSession, stay_id: str) -> StayTimeline | None:
    facts = await facts_of_stay(session, stay_id)
    return stay_timeline(stay_id, facts) if facts else None


HANDLERS: dict[str, Handler] = {event_type: record_fact for event_type in BILLED_EVENT_TYPES}
