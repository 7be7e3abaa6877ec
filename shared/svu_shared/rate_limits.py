"""Rate limits per client and per user (ADR 0025), with the `limits` library (the one slowapi is built on): a
sliding-window counter per client address and per verified token subject, in memory by default or in a shared
storage (`async+redis://…`) when a service runs as several replicas.

A pure ASGI middleware in front of everything but the health checks, so a flood is refused before the token is
verified a second time, the body is read or the audit log is written. The per-user limit counts a subject only
once its token has been verified (a forged `sub` must not spend someone else's allowance).
"""

import json
import math
import time

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from svu_shared.auth import caller_if_any
from svu_shared.problems import MEDIA_TYPE, problem_body

UNLIMITED_PATHS = ("/health",)  # liveness and readiness: the orchestrator polls them


def parsed(value: str) -> list[RateLimitItem]:
    """`"6000/minute;100/second"` as limits; "" for none. Raises ValueError naming what cannot be read."""
    return parse_many(value) if value.strip() else []


class RateLimits:
    def __init__(self, app: ASGIApp, *, per_client: str, per_user: str, storage: str) -> None:
        self.app = app
        self.per_client = parsed(per_client)
        self.per_user = parsed(per_user)
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(storage))  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        client = request.client.host if request.client else "unknown"
        spent = await self._spent(self.per_client, "client", client)
        if spent is None and self.per_user and "authorization" in request.headers:
            caller = await caller_if_any(request)  # verified once; the route reuses it
            if caller is not None:
                spent = await self._spent(self.per_user, "user", caller.subject)
        if spent is not None:
            await _too_many(send, *spent)
            return
        await self.app(scope, receive, send)

    async def _spent(self, limits: list[RateLimitItem], kind: str, key: str) -> tuple[str, int] | None:
        """The first of the limits this request exceeds (who, seconds until it may retry), else None."""
        for limit in limits:
            if not await self.limiter.hit(limit, kind, key):
                stats = await self.limiter.get_window_stats(limit, kind, key)
                return f"{kind} limit of {limit}", max(1, math.ceil(stats.reset_time - time.time()))
        return None


async def _too_many(send: Send, which: str, retry_after: int) -> None:
    body = json.dumps(problem_body(429, f"too many requests: the {which} is reached; retry later")).encode()
    headers = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
