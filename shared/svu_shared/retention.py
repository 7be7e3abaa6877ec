"""What a service's database keeps of its messaging, and for how long (ADR 0023: data minimisation under
Patientdatalagen). A sent outbox row carries a patient's event; once the broker has it, it is kept only as long as
operators may need to look at it. An inbox row is the dedup key of an applied event: kept longer than the event
topics keep a record (deploy/broker_access.py), so no redelivery can outlive it. An event parked for a stay whose
admission notice never came expires: it is moved to the dead letters (topic `parked`), so operators see it, and its
payload is gone."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert
from sqlalchemy.ext.asyncio import async_sessionmaker


@dataclass(frozen=True)
class Retention:
    outbox_sent: timedelta
    inbox: timedelta
    parked: timedelta


@dataclass(frozen=True)
class Purged:
    outbox: int
    inbox: int
    parked: int


async def purge(
    sessions: async_sessionmaker,
    *,
    outbox: Table,
    inbox: Table,
    dead_letters: Table,
    parked: Table | None,
    retention: Retention,
    now: datetime,
) -> Purged:
    async with sessions() as session, session.begin():
        sent = await session.execute(delete(outbox).where(outbox.c.sent_at < now - retention.outbox_sent))
        applied = await session.execute(delete(inbox).where(inbox.c.received_at < now - retention.inbox))
        expired: list[str] = []
        if parked is not None:
            taken = await session.execute(
                delete(parked).where(parked.c.parked_at < now - retention.parked).returning(parked.c.event_id)
            )
            expired = list(taken.scalars())
        reason = f"expired: parked longer than {retention.parked} and its stay's admission notice never came"
        if expired:
            await session.execute(
                insert(dead_letters),
                [
                    {"topic": "parked", "partition": -1, "offset": -1, "event_id": e, "reason": reason, "at": now}
                    for e in expired
                ],
            )
    return Purged(sent.rowcount or 0, applied.rowcount or 0, len(expired))  # type: ignore[attr-defined]
