"""What planning keeps beside its aggregates: each stay's messages with their sender, addressee and text, and the
parties' kvittens (domain §2, ADR 0014); the events that came before their stay's admission notice (architecture
§3: out of order across topics). While the session applies a partition batch, their rows are written at its end
(`adapters/batch.py`, ADR 0020)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.batch import stay_batch
from planning.adapters.tables import (
    SUBJECT_MAX_LENGTH,
    acknowledgements,
    messages,
    messaging,
    parked_events,
    ward_acknowledgements,
)
from planning.domain.case import Acknowledgement
from planning.domain.message import Header, Party, WardAcknowledgement
from svu_shared.batch import batch_writes
from svu_shared.envelope import CloudEvent


def header_of(row: Any) -> Header:
    return Header(
        row["message_id"], row["sender_role"], row["sender_org"], row["to_role"], row["to_org"], row["received_at"]
    )


class MessageLog:
    """Every event about a stay is a message its parties read and acknowledge."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        envelope: CloudEvent,
        stay_id: str,
        sender: Party | None,
        subject: str | None = None,
        to: Party | None = None,
        text: str | None = None,
    ) -> None:
        """The message `envelope` of the stay from `sender` (the person `subject` for what a user did; their name is
        the subject too, as the token's principal carries no name, ADR 0014) to `to` (None: every party)."""
        person = subject[:SUBJECT_MAX_LENGTH] if subject else None
        row = dict(
            message_id=envelope.id,
            stay_id=stay_id,
            type=envelope.type,
            source=envelope.source,
            occurred_at=envelope.time,
            received_at=datetime.now(UTC),
            sender_role=sender.kind if sender else None,
            sender_org=sender.org if sender else None,
            sender_subject=person,
            sender_name=person,
            to_role=to.kind if to else None,
            to_org=to.org if to else None,
            text=text,
        )
        if (batch := batch_writes(self._session)) is not None:
            batch.insert(messages, row)
        else:
            await self._session.execute(insert(messages), row)

    async def header(self, message_id: str, stay_id: str) -> Header | None:
        """The message's sender and addressee, if it is the stay's."""
        query = select(messages).where(messages.c.message_id == message_id, messages.c.stay_id == stay_id)
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else header_of(row)

    async def acknowledgement(self, message_id: str, case_id: str) -> Acknowledgement | None:
        query = select(acknowledgements).where(
            acknowledgements.c.message_id == message_id, acknowledgements.c.case_id == case_id
        )
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else Acknowledgement(**row)

    async def add_acknowledgement(self, acknowledgement: Acknowledgement) -> None:
        await self._session.execute(insert(acknowledgements), acknowledgement.__dict__)

    async def ward_acknowledgement(self, message_id: str) -> WardAcknowledgement | None:
        query = select(ward_acknowledgements).where(ward_acknowledgements.c.message_id == message_id)
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else WardAcknowledgement(**row)

    async def add_ward_acknowledgement(self, acknowledgement: WardAcknowledgement) -> None:
        await self._session.execute(insert(ward_acknowledgements), acknowledgement.__dict__)


class ParkedEvents:
    """A stay's events that arrived before its admission notice: kept, never dropped, until the notice comes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def park(self, envelope: CloudEvent, stay_id: str) -> None:
        row = dict(event_id=envelope.id, stay_id=stay_id, envelope=envelope.to_bytes(), parked_at=datetime.now(UTC))
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay_id):
            batch.park(envelope, stay_id, row)
        else:
            await self._session.execute(insert(parked_events), row)

    async def take(self, stay_id: str) -> list[CloudEvent]:
        """The stay's parked events, removed from the table, in the order they came."""
        if (batch := stay_batch(self._session)) is not None and batch.covers(stay_id):
            return batch.take_parked(stay_id)
        taken = await self._session.execute(
            delete(parked_events)
            .where(parked_events.c.stay_id == stay_id)
            .returning(parked_events.c.parked_at, parked_events.c.envelope)
        )
        return [CloudEvent.from_bytes(raw) for _parked_at, raw in sorted(taken.all())]

    async def refused(self, envelope: CloudEvent, reason: str) -> None:
        """A parked event the stay refuses: kept for operators in the dead letters, topic `parked` (ADR 0012)."""
        row = dict(topic="parked", partition=-1, offset=-1, event_id=envelope.id, reason=reason, at=datetime.now(UTC))
        if (batch := batch_writes(self._session)) is not None:
            batch.insert(messaging.dead_letters, row)
        else:
            await self._session.execute(insert(messaging.dead_letters), row)
