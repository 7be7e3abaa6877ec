"""A service in-process on a fresh database, for the per-service integration tests: migrated to head,
HTTP through httpx's ASGI transport, events fed through its inbox (the consumer's own path, without a broker),
its outbox read back as the events it published.

The database is PostgreSQL or SQLite (the embedded default of `make run`): one suite runs on both (architecture §5),
each test taking the kind from the `database` fixture of tests/integration/conftest.py.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from svu_shared.contracts import IntegrationEvent
from svu_shared.envelope import CloudEvent
from svu_shared.migrations import upgrade_to_head
from svu_shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class Database:
    """One kind of database for a suite's leg: `fresh(name)` makes an empty database and returns its URL."""

    kind: str  # "postgresql" or "sqlite", as SQLAlchemy names the dialect
    fresh: Callable[[str], str]


@dataclass
class InProcess:
    app: FastAPI
    http: httpx.AsyncClient

    @property
    def runtime(self) -> ServiceRuntime:
        return self.app.state.runtime

    async def feed(self, event: IntegrationEvent) -> CloudEvent:
        envelope = CloudEvent.wrap(event, event.source)
        assert await self.runtime.inbox.apply(envelope, event.topic)
        return envelope

    async def published(self, stay_id: str) -> list[dict[str, Any]]:
        """The events this service published about a stay, in order: type (without its version), version and data."""
        outbox = self.runtime.messaging.outbox
        async with self.runtime.sessions() as s:
            rows = await s.execute(
                select(outbox.c.payload).where(outbox.c.key == stay_id).order_by(outbox.c.created_at)
            )
            envelopes = [CloudEvent.from_bytes(p) for (p,) in rows]
        return [{"type": e.type.split(".")[-2], "version": e.type.split(".")[-1], **e.data} for e in envelopes]


@asynccontextmanager
async def in_process(bootstrap: Callable[[Any], FastAPI], settings: Any) -> AsyncIterator[InProcess]:
    app = bootstrap(settings)
    await asyncio.to_thread(upgrade_to_head, app.state.runtime.migrations_dir, settings.database_url)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        yield InProcess(app, http)
    await app.state.runtime.engine.dispose()
