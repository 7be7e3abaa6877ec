"""Wires the web application: the HTTP half of every service (svu_shared.http_app: telemetry, /health, input
limits, log redaction) without a database, the session store, the four services' clients, sign-in, the screens and
live updates (ADR 0017)."""

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from svu_shared.http_app import http_app
from web import live, screens, signin
from web.backends import Backends, NotFound, SignInAgain, Unavailable
from web.pages import SignInFirst, respond
from web.security import CsrfRefused, security_headers
from web.sessions import COOKIE, SessionStore
from web.settings import WebSettings

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def bootstrap(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    if settings.auth_mode == "oidc" and not (
        settings.oidc_discovery_url and settings.oidc_client_id and settings.oidc_client_secret
    ):
        # Fail closed: without the provider there is no sign-in, and no development sign-in either.
        raise SystemExit("web: WEB_AUTH_MODE=oidc needs WEB_OIDC_DISCOVERY_URL, _CLIENT_ID and _CLIENT_SECRET")
    store, backends, hub = SessionStore(settings), Backends(settings), live.Hub()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.open()
        stop = asyncio.Event()
        follower = (
            asyncio.create_task(
                live.follow(hub, settings.kafka_access("web"), settings.live_topics, stop, settings.live_lookback_days)
            )
            if settings.live_enabled
            else None
        )
        try:
            yield
        finally:
            stop.set()
            if follower is not None:
                await asyncio.wait([follower], timeout=10)
            await backends.close()
            await store.close()

    app = http_app(
        name="web",
        settings=settings,
        title="SVU web service",
        description="The screens of samverkan vid utskrivning (a backend-for-frontend; ADR 0017).",
        routers=[],
        lifespan=lifespan,
    )
    app.state.settings, app.state.sessions, app.state.backends, app.state.hub = settings, store, backends, hub
    if settings.auth_mode == "oidc":
        app.state.oauth = signin.oauth_client(settings)
    app.include_router(signin.router)
    for router in screens.ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The sign-in round trip's state, nonce and PKCE verifier (not the tokens): a signed cookie for ten minutes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.signin_secret or secrets.token_urlsafe(32),
        session_cookie="svu_signin",
        max_age=600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.middleware("http")(security_headers(settings))
    _html_errors(app)
    return app


def _html_errors(app: FastAPI) -> None:
    """People get pages, never a stack trace or a JSON problem."""

    def page(request: Request, template: str, status: int) -> Response:
        session = getattr(request.state, "session", None)
        return respond(request, template, {"session": session}, status)

    @app.exception_handler(SignInFirst)
    @app.exception_handler(SignInAgain)
    async def sign_in_first(request: Request, exc: Exception) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        response = RedirectResponse(f"/sign-in?next={target}", status_code=303)
        if isinstance(exc, SignInAgain):
            response.delete_cookie(COOKIE, path="/")
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, "pages/not_found.html", 404)

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Exception) -> Response:
        return page(request, "pages/unavailable.html", 503)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: Exception) -> Response:
        return page(request, "pages/csrf_refused.html", 403)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return page(request, "pages/not_found.html", 404)
        return page(request, "pages/error.html", exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_address(request: Request, exc: Exception) -> Response:
        # A malformed stay id or query in an address: as for any address that leads nowhere.
        return page(request, "pages/not_found.html", 404)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> Response:
        log.exception("web: unexpected error on %s", request.url.path)
        return page(request, "pages/error.html", 500)
