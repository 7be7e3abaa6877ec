"""Server-side sessions (ADR 0017): the browser holds only an opaque, random session id in an httpOnly,
SameSite=Lax cookie; the user's tokens stay here. The store is a database table so that several replicas share it;
only a hash of the id is stored, so a copy of the table cannot be replayed as cookies.

A session ends when it has been idle for `session_idle_minutes`, after `session_max_hours` in all, when its access
token expires, or at logout."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from web.settings import WebSettings

COOKIE = "svu_session"
metadata = sa.MetaData()
sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("org", sa.String(64), nullable=False),
    sa.Column("access_token", sa.Text, nullable=False),
    sa.Column("id_token", sa.Text),
    sa.Column("refresh_token", sa.Text),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class Session:
    key: str
    subject: str
    role: str
    org: str
    access_token: str
    id_token: str | None
    refresh_token: str | None
    csrf_token: str
    token_expires_at: datetime
    created_at: datetime
    last_seen_at: datetime
    # Small per-user state the screens keep: when the inbox was last looked at, a one-time notice after a redirect.
    data: dict[str, Any] = field(default_factory=dict)

    def pop_flash(self) -> str | None:
        return self.data.pop("flash", None)  # type: ignore[no-any-return]


class SessionStore:
    def __init__(self, settings: WebSettings) -> None:
        self._engine: AsyncEngine = create_async_engine(settings.session_database_url)
        self._idle = timedelta(minutes=settings.session_idle_minutes)
        self._max = timedelta(hours=settings.session_max_hours)

    async def open(self) -> None:
        if self._engine.url.get_backend_name() == "sqlite" and self._engine.url.database:
            from pathlib import Path

            Path(self._engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        async with self._engine.begin() as conn:
            # Sessions are a cache of sign-ins, not records: the table is created as it is, no migrations (ADR 0017).
            await conn.run_sync(metadata.create_all)

    async def close(self) -> None:
        await self._engine.dispose()

    async def create(
        self,
        *,
        subject: str,
        role: str,
        org: str,
        access_token: str,
        id_token: str | None,
        refresh_token: str | None,
        token_expires_at: datetime,
    ) -> tuple[str, Session]:
        session_id = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        session = Session(
            key=_key(session_id),
            subject=subject,
            role=role,
            org=org,
            access_token=access_token,
            id_token=id_token,
            refresh_token=refresh_token,
            csrf_token=secrets.token_urlsafe(32),
            token_expires_at=token_expires_at,
            created_at=now,
            last_seen_at=now,
        )
        async with self._engine.begin() as conn:
            await conn.execute(sessions.insert().values(**session.__dict__))
        return session_id, session

    async def find(self, session_id: str | None) -> Session | None:
        """The live session for this cookie value, or None (unknown, idle too long, too old, token expired)."""
        if not session_id or len(session_id) > 128:
            return None
        async with self._engine.begin() as conn:
            row = (await conn.execute(sessions.select().where(sessions.c.key == _key(session_id)))).mappings().first()
            if row is None:
                return None
            session = Session(**{k: _aware(v) for k, v in row.items()})
            now = datetime.now(UTC)
            token_gone = now >= session.token_expires_at and not session.refresh_token
            if now - session.last_seen_at > self._idle or now - session.created_at > self._max or token_gone:
                await conn.execute(sessions.delete().where(sessions.c.key == session.key))
                return None
            session.last_seen_at = now
            await conn.execute(sessions.update().where(sessions.c.key == session.key).values(last_seen_at=now))
            return session

    async def save_data(self, session: Session) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sessions.update().where(sessions.c.key == session.key).values(data=session.data))

    async def save_tokens(
        self, session: Session, access_token: str, refresh_token: str | None, expires_at: datetime
    ) -> None:
        session.access_token, session.refresh_token, session.token_expires_at = access_token, refresh_token, expires_at
        async with self._engine.begin() as conn:
            await conn.execute(
                sessions.update()
                .where(sessions.c.key == session.key)
                .values(access_token=access_token, refresh_token=refresh_token, token_expires_at=expires_at)
            )

    async def end(self, session: Session) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sessions.delete().where(sessions.c.key == session.key))
            await conn.execute(sessions.delete().where(sessions.c.last_seen_at < datetime.now(UTC) - self._idle))


def _aware(value: Any) -> Any:
    """SQLite returns naive datetimes for timezone-aware columns; every time here is UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
