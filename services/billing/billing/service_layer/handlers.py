"""Billing's event handlers: facts in (domain §3.1 rule 2 reads them as ready periods). Each runs in the inbox's
transaction: load the stay's facts through the repository, let the domain check the new one, keep it (ADR 0012)."""

from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.event_facts import BILLED_EVENTS, fact_from_event
from billing.adapters.repository import FactRepository
from billing.domain.facts import check_new_fact
from billing.service_layer.views import timeline_of
from svu_shared.contracts import IntegrationEvent
from svu_shared.envelope import CloudEvent
from svu_shared.inbox import Handlers

__all__ = ["HANDLERS", "record_fact", "timeline_of"]  # timeline_of: the stay's read model, as the fault tests read it


async def record_fact(session: AsyncSession, envelope: CloudEvent, event: IntegrationEvent) -> None:
    fact = fact_from_event(envelope.id, event)
    if fact is not None:
        facts = FactRepository(session)
        check_new_fact(await facts.of_stay(fact.stay_id), fact)
        await facts.add(fact)


HANDLERS: Handlers = {event: record_fact for event in BILLED_EVENTS}
