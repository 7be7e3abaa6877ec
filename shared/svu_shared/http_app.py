"""The HTTP half of every service (ADR 0013): bearer-token authentication (failing closed, ADR 0024), the audit
hook, input and rate limits, telemetry, liveness and readiness, problem+json errors and log redaction. It needs no
database, so a service without one (the web application) gets all of it; `runtime.service_app` adds the database
half (audit log, 503 while the database is away, the relay and the consumer) to the same app.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from svu_shared import local_issuer, problems, redaction
from svu_shared.audit import auditing
from svu_shared.auth import AUTH_RESPONSES, Principal, TokenVerifier, authenticate, caller_if_any
from svu_shared.limits import InputLimits
from svu_shared.rate_limits import RateLimits
from svu_shared.security_headers import SecurityHeaders
from svu_shared.settings import HttpSettings
from svu_shared.telemetry import setup_telemetry

log = logging.getLogger(__name__)

Health = Callable[[], Awaitable[dict[str, str]]]
AuditRecorder = Callable[[Request, Principal | None, int], Awaitable[None]]
OPEN_PATHS = ("/health", "/openapi.json", "/docs", "/redoc")
Lifespan = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]


async def _healthy() -> dict[str, str]:
    return {}


class InsecureAuthSettings(RuntimeError):
    """The service refuses to start: it would accept tokens nobody vouches for (ADR 0024)."""


def token_verifier(name: str, settings: HttpSettings) -> TokenVerifier:
    """Fails closed (ADR 0024): the local development issuer only with SVU_AUTH_MODE=dev; otherwise an https JWKS
    URL and the region's issuer are required. The audience is the service's own unless set."""
    audience = settings.auth_audience or local_issuer.audience_of(name)
    if settings.auth_mode == "dev":
        if settings.auth_jwks_url is None:
            log.warning("%s: SVU_AUTH_MODE=dev, trusting the local development token issuer", name)
            local_issuer.ensure_keys()
        jwks_url = settings.auth_jwks_url or local_issuer.jwks_url()
        issuer = settings.auth_issuer or local_issuer.ISSUER
    else:
        jwks_url, issuer = settings.auth_jwks_url or "", settings.auth_issuer or ""
        refused = [
            *([] if jwks_url.startswith("https://") else ["auth_jwks_url must be the identity provider's https URL"]),
            *([] if issuer not in ("", local_issuer.ISSUER) else ["auth_issuer must name the identity provider"]),
        ]
        if refused:
            raise InsecureAuthSettings(
                f"{name} will not start: {'; '.join(refused)} (or set SVU_AUTH_MODE=dev for development)"
            )
    return TokenVerifier(
        jwks_url,
        issuer,
        audience,
        leeway_seconds=settings.auth_leeway_seconds,
        max_lifetime_seconds=settings.auth_max_token_lifetime_seconds,
    )


def http_app(
    *,
    name: str,
    settings: HttpSettings,
    title: str,
    description: str,
    routers: list[Any],
    lifespan: Lifespan | None = None,
    health: Health = _healthy,
    audit: AuditRecorder | None = None,
    engine: Any = None,
) -> FastAPI:
    redaction.install()
    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    if routers:  # a service with bearer-token routes; the web application signs users in itself (ADR 0017)
        app.state.verifier = token_verifier(name, settings)
    problems.install(app)
    _health_routes(app, name, Readiness(health, settings.health_cache_seconds))

    # Every route but the health checks and the OpenAPI document needs a verified bearer token (ADR 0011).
    for router in routers:
        app.include_router(router, dependencies=[Depends(authenticate)], responses=AUTH_RESPONSES)

    # Middleware, innermost first: input limits, then the audit log around them (so a 413 or a NUL refused there
    # is audited too), then the rate limits around everything (a flood writes no audit rows).
    app.add_middleware(InputLimits, max_bytes=settings.max_body_bytes)
    if audit is not None:
        app.add_middleware(AuditedRequests, name=name, recorder=audit)
    app.add_middleware(
        RateLimits,
        per_client=settings.rate_limit_per_client,
        per_user=settings.rate_limit_per_user,
        storage=settings.rate_limit_storage,
    )
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, refusals and 429s included (ADR 0027)
    setup_telemetry(app, engine, name, settings.otel_exporter, settings.otel_endpoint)
    app.openapi = lambda: _documented(app)  # type: ignore[method-assign]
    return app


class Readiness:
    """The readiness check, run at most once per `cache_seconds` whatever the number of callers (ADR 0025): a
    poller cannot turn /health into load on the database."""

    def __init__(self, check: Health, cache_seconds: float) -> None:
        self._check = check
        self._cache_seconds = cache_seconds
        self._lock = asyncio.Lock()
        self._last: tuple[float, dict[str, str]] | None = None

    async def problems(self) -> dict[str, str]:
        async with self._lock:
            if self._last is None or time.monotonic() - self._last[0] >= self._cache_seconds:
                self._last = (time.monotonic(), await self._check())
            return self._last[1]


def _health_routes(app: FastAPI, name: str, readiness: Readiness) -> None:
    """Liveness (the process answers) and readiness (what it depends on is reachable), unauthenticated, so they
    name the parts that fail and nothing more; what failed and why is in the log (ADR 0025)."""

    @app.get("/health/live", tags=["operations"], summary="200 while the process answers")
    async def live() -> dict[str, str]:
        return {"status": "ok", "service": name}

    @app.get("/health/ready", tags=["operations"], summary="200 when what the service depends on is reachable")
    async def ready() -> JSONResponse:
        found = await readiness.problems()
        if found:
            log.warning("%s: not ready: %s", name, "; ".join(f"{part}: {why}" for part, why in found.items()))
            return JSONResponse({"status": "unavailable", "service": name, "problems": sorted(found)}, 503)
        return JSONResponse({"status": "ok", "service": name})

    # /health is readiness under its earlier name (deploy scripts and compose health checks poll it).
    app.add_api_route("/health", ready, methods=["GET"], tags=["operations"], summary="Readiness (/health/ready)")


class AuditedRequests:
    """Every request but the open operations paths gets its audit row, whatever its outcome, refusals included
    (ADR 0011, ADR 0024); a write's row is already committed with the write. No row, no answer: if the row cannot
    be written the answer is a 503.

    A pure ASGI middleware (ADR 0020): the answer's start is held until its row is written, then sent (or the 503
    instead, and the app's body dropped); the body is never buffered. Starlette's `BaseHTTPMiddleware` did the same
    with a task group and a memory stream per request, about a tenth of admission's CPU per notice."""

    def __init__(self, app: ASGIApp, *, name: str, recorder: AuditRecorder) -> None:
        self.app, self.name, self.recorder = app, name, recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = False
        with auditing(request) as access:

            async def audited_send(message: Message) -> None:
                nonlocal refused
                if refused:
                    return  # the app's body after a start that was answered with a 503 instead
                if message["type"] == "http.response.start" and access.recorded_status != message["status"]:
                    try:
                        await self.recorder(request, await caller_if_any(request), message["status"])
                    except Exception as exc:
                        log.warning("%s: audit row not written (%s); answering 503", self.name, type(exc).__name__)
                        refused = True
                        unavailable = problems.problem(
                            503, "the service's audit log is unavailable; retry shortly", headers={"Retry-After": "2"}
                        )
                        await unavailable(scope, receive, send)
                        return
                await send(message)

            await self.app(scope, receive, audited_send)


def _documented(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document with every error answer described as what it is: problem+json (ADR 0013)."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        app.openapi_schema = problems.document_problems(document)
    return app.openapi_schema


def serve(app: FastAPI | str, settings: HttpSettings) -> None:
    """Runs the service under uvicorn. With `settings.workers` > 1 (`<SERVICE>_WORKERS`), `app` is the import path
    of the service's app factory ("admission.bootstrap:bootstrap") and uvicorn starts that many worker processes on
    the one port, each with its own app: its own connection pool, outbox relay (one publishes at a time, ADR 0012)
    and consumer (in the service's one group). Several workers need PostgreSQL: SQLite (`make run`) takes one."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    common: dict[str, Any] = {"host": settings.host, "port": settings.port, "timeout_graceful_shutdown": 20}
    if settings.workers > 1:
        if not isinstance(app, str):
            raise SystemExit("several workers need the app factory's import path (module:function)")
        if str(getattr(settings, "database_url", "")).startswith("sqlite"):
            raise SystemExit("several workers need PostgreSQL: SQLite (make run) takes one worker")
        uvicorn.run(app, factory=True, workers=settings.workers, **common)
    elif isinstance(app, str):
        uvicorn.run(app, factory=True, **common)
    else:
        uvicorn.run(app, **common)
