"""What planning keeps beside its aggregates: each stay's messages with the receivers' kvittens (domain §2), and
the events that came before their stay's admission notice (architecture §3: out of order across topics)."""

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.tables import acknowledgements, messages, messaging, parked_events
from planning.domain.case import Acknowledgement
from svu_shared.envelope import CloudEvent


class MessageLog:
    """Every event about a stay is a message its receivers read and acknowledge."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, envelope: CloudEvent, stay_id: str) -> None:
        await self._session.execute(
            insert(messages).values(
                message_id=envelope.id,
                stay_id=stay_id,
                type=envelope.type,
                source=envelope.source,
                occurred_at=envelope.time,
            )
        )

    async def is_of_stay(self, message_id: str, stay_id: str) -> bool:
        query = select(messages.c.message_id).where(messages.c.message_id == message_id, messages.c.stay_id == stay_id)
        return (await self._session.execute(query)).first() is not None

    async def acknowledgement(self, message_id: str, case_id: str) -> Acknowledgement | None:
        query = select(acknowledgements.c.acknowledged_at).where(
            acknowledgements.c.message_id == message_id, acknowledgements.c.case_id == case_id
        )
        at = (await self._session.execute(query)).scalar()
        return None if at is None else Acknowledgement(message_id, case_id, at)

    async def add_acknowledgement(self, acknowledgement: Acknowledgement) -> None:
        await self._session.execute(
            insert(acknowledgements).values(
                message_id=acknowledgement.message_id,
                case_id=acknowledgement.case_id,
                acknowledged_at=acknowledgement.acknowledged_at,
            )
        )


class ParkedEvents:
    """A stay's events that arrived before its admission notice: kept, never dropped, until the notice comes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def park(self, envelope: CloudEvent, stay_id: str) -> None:
        await self._session.execute(
            insert(parked_events).values(
                event_id=envelope.id, stay_id=stay_id, envelope=envelope.to_bytes(), parked_at=datetime.now(UTC)
            )
        )

    async def take(self, stay_id: str) -> list[CloudEvent]:
        """The stay's parked events, removed from the table, in the order they came."""
        taken = await self._session.execute(
            delete(parked_events)
            .where(parked_events.c.stay_id == stay_id)
            .returning(parked_events.c.parked_at, parked_events.c.envelope)
        )
        return [CloudEvent.from_bytes(raw) for _parked_at, raw in sorted(taken.all())]

    async def refused(self, envelope: CloudEvent, reason: str) -> None:
        """A parked event the stay refuses: kept for operators in the dead letters, topic `parked` (ADR 0012)."""
        await self._session.execute(
            insert(messaging.dead_letters).values(
                topic="parked", partition=-1, offset=-1, event_id=envelope.id, reason=reason, at=datetime.now(UTC)
            )
        )
