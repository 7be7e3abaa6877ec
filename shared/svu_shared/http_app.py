"""The HTTP half of every service (ADR 0013): bearer-token authentication, the audit hook, input limits,
telemetry, /health, problem+json errors and log redaction. It needs no database, so a service without one (the
web application) gets all of it; `runtime.service_app` adds the database half (audit log, 503 while the database
is away, the relay and the consumer) to the same app.
"""

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from svu_shared import local_issuer, problems, redaction
from svu_shared.auth import AUTH_RESPONSES, Principal, TokenVerifier, authenticate
from svu_shared.limits import InputLimits
from svu_shared.settings import HttpSettings
from svu_shared.telemetry import setup_telemetry

log = logging.getLogger(__name__)

Health = Callable[[], Awaitable[dict[str, str]]]
AuditRecorder = Callable[[Request, Principal, int], Awaitable[None]]
Lifespan = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]


async def _healthy() -> dict[str, str]:
    return {}


def token_verifier(name: str, settings: HttpSettings) -> TokenVerifier:
    if settings.auth_jwks_url is None:
        log.warning("%s: trusting the local development token issuer (set auth_jwks_url in production)", name)
        local_issuer.ensure_keys()
    return TokenVerifier(
        settings.auth_jwks_url or local_issuer.jwks_url(), settings.auth_issuer, settings.auth_audience
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
    app.state.verifier = token_verifier(name, settings)
    problems.install(app)

    @app.get("/health", tags=["operations"], summary="200 when the service and what it depends on are reachable")
    async def health_check() -> JSONResponse:
        found = await health()
        if found:
            return JSONResponse({"status": "unavailable", "service": name, "problems": found}, 503)
        return JSONResponse({"status": "ok", "service": name})

    # Every route but /health and the OpenAPI document needs a verified bearer token (ADR 0011).
    for router in routers:
        app.include_router(router, dependencies=[Depends(authenticate)], responses=AUTH_RESPONSES)

    if audit is not None:
        recorder = audit

        @app.middleware("http")
        async def audited(request: Request, call_next):  # type: ignore[no-untyped-def]
            response = await call_next(request)
            principal: Principal | None = getattr(request.state, "principal", None)
            if principal is not None:  # every authenticated access, whatever its outcome (ADR 0011)
                try:
                    await recorder(request, principal, response.status_code)
                except Exception as exc:  # no audit row, no answer: an access must never go unlogged
                    log.warning("%s: audit row not written (%s); answering 503", name, type(exc).__name__)
                    return problems.problem(
                        503, "the service's audit log is unavailable; retry shortly", headers={"Retry-After": "2"}
                    )
            return response

    app.add_middleware(InputLimits, max_bytes=settings.max_body_bytes)
    setup_telemetry(app, engine, name, settings.otel_exporter, settings.otel_endpoint)
    app.openapi = lambda: _documented(app)  # type: ignore[method-assign]
    return app


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
