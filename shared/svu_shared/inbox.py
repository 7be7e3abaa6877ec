"""The inbox (architecture §3): decode an event, then apply it once in a transaction of the service's database.

- The event id is recorded in the inbox in the handler's transaction; a redelivered event is a no-op.
- `decode` checks everything that can be checked without the database: the CloudEvents envelope and its bounds
  (each fits the column it lands in), the event's contract, the owner of its type and its topic, the subject
  against the key.
  What fails here is `Poison` and goes to the dead-letter topic without an attempt.
- A handler (or the domain under it) raises `DuplicateEvent` for the same fact under another event id (a no-op)
  and `RejectedEvent` for an event that can never apply, for example a second, different admission notice for a
  stay; the consumer dead-letters that one with the rule it breaks (`svu_shared.facts`).
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from svu_shared.contracts import IntegrationEvent, UnknownEventType, event_model
from svu_shared.db import insert_or_merge
from svu_shared.envelope import CloudEvent
from svu_shared.facts import DuplicateEvent, RejectedEvent

__all__ = ["DuplicateEvent", "Handler", "Handlers", "Inbox", "Poison", "RejectedEvent", "decode", "topics_of"]

Handler = Callable[[AsyncSession, CloudEvent, IntegrationEvent], Awaitable[None]]
# A service's one table of the events it applies, by event class: what it subscribes to is read from it, so an
# event type it subscribes to but cannot apply cannot be written (ADR 0013).
Handlers = Mapping[type[IntegrationEvent], Handler]


def topics_of(handlers: Handlers) -> tuple[str, ...]:
    """The topics a service consumes: those of the events in its table, in a stable order."""
    return tuple(sorted({event.topic for event in handlers}))


@dataclass(frozen=True)
class Poison:
    reason: str
    event_id: str | None = None


class Inbox:
    """Applies one decoded event exactly once in a transaction of the service's database."""

    def __init__(self, sessions: async_sessionmaker, inbox: Table, handlers: Handlers) -> None:
        self.sessions = sessions
        self._inbox = inbox
        self.handlers: dict[str, Handler] = {event.event_type: handler for event, handler in handlers.items()}
        self.on_commit: Callable[[], None] = lambda: None

    async def apply(self, envelope: CloudEvent, topic: str) -> bool:
        """Returns False when the event had been applied before."""
        async with self.sessions() as session, session.begin():
            if not await self._claim(session, [(envelope, topic)]):
                return False
            await self._handle(session, envelope)
        self.on_commit()
        return True

    async def apply_all(self, records: list[tuple[ConsumerRecord, CloudEvent]], span) -> int:  # type: ignore[no-untyped-def]
        """Applies a partition's batch in one transaction (one commit instead of one per event): all or none.
        Returns how many were new; the caller falls back to `apply` one by one if this raises (ADR 0005)."""
        async with self.sessions() as session, session.begin():
            new = await self._claim(session, [(envelope, record.topic) for record, envelope in records])
            applied = 0
            for record, envelope in records:
                if envelope.id in new:
                    new.discard(envelope.id)  # the same event twice in one batch (a relay resend) applies once
                    with span(record, envelope):
                        await self._handle(session, envelope)
                    applied += 1
        if applied:
            self.on_commit()
        return applied

    async def _claim(self, session: AsyncSession, events: list[tuple[CloudEvent, str]]) -> set[str]:
        """Records the events' ids in the inbox in one statement; returns the ids it had not seen before."""
        now = datetime.now(UTC)
        claimed = await session.execute(
            insert_or_merge(session, self._inbox)
            .values(
                [{"event_id": e.id, "event_type": e.type, "topic": topic, "received_at": now} for e, topic in events]
            )
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(self._inbox.c.event_id)
        )
        return set(claimed.scalars())

    async def _handle(self, session: AsyncSession, envelope: CloudEvent) -> None:
        event = event_model(envelope.type).model_validate(envelope.data)
        try:
            await self.handlers[envelope.type](session, envelope, event)
        except DuplicateEvent:
            pass  # the same fact again: its id is in the inbox now, nothing else changes


def decode(record: ConsumerRecord) -> CloudEvent | Poison:
    if not record.value:
        return Poison("empty message (no CloudEvents envelope)")
    try:
        envelope = CloudEvent.from_bytes(record.value)
    except (ValidationError, ValueError) as exc:
        return Poison(f"not a CloudEvents JSON envelope: {first_error(exc)}")
    try:
        model = event_model(envelope.type)
        event = model.model_validate(envelope.data)
    except UnknownEventType as exc:
        return Poison(str(exc), envelope.id)
    except ValidationError as exc:
        return Poison(f"data does not match {envelope.type}: {first_error(exc)}", envelope.id)
    if record.topic != model.topic:
        # Each topic carries its producer's events only (ADR 0021): the ACLs let a service write its own topic, so
        # an event of another producer's type there is a forgery or a bug, and never applied.
        return Poison(f"{envelope.type} belongs on {model.topic}, not on {record.topic}", envelope.id)
    if envelope.source != model.source:
        # Each event type has one owner (ADR 0011): an event claiming another producer is not applied.
        return Poison(
            f"source {envelope.source} does not own {envelope.type} (its owner is {model.source})", envelope.id
        )
    if envelope.subject != event.key():
        # The subject is the key that keeps one stay's events in order (architecture §2): a mismatch is a forgery
        # or a bug, and applying it could act on one stay while ordered with another.
        return Poison(f"subject {envelope.subject!r} is not the event's key {event.key()!r}", envelope.id)
    return envelope


def first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
    return str(exc)
