"""Headers every answer carries, and the CSRF check of every state-changing request (ADR 0017).

The Content-Security-Policy allows scripts and styles only from this origin: no inline script, no eval (htmx runs
with `allowEval: false`). Pages show patient data, so nothing is cached (`no-store`), and no referrer leaves the
site. CSRF: the session's synchronizer token must come back with every POST, as the form field `csrf_token` or
the `X-CSRF-Token` header htmx sends; a request whose Origin is another site is refused as well."""

import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from web.settings import WebSettings

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'{provider}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def content_security_policy(settings: WebSettings) -> str:
    """Forms post only here, and, with OIDC, to the identity provider: signing out is a form whose answer
    redirects to the provider's end-session endpoint, and browsers hold a form's redirects to form-action."""
    provider = ""
    if settings.auth_mode == "oidc" and settings.oidc_discovery_url:
        parts = urlsplit(settings.oidc_discovery_url)
        provider = f" {parts.scheme}://{parts.netloc}"
    return CSP.format(provider=provider)


class CsrfRefused(Exception):
    pass


def security_headers(settings: WebSettings) -> Callable[[ASGIApp], ASGIApp]:
    headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the CSRF
        # check cannot tell from a foreign site; the referrer still never leaves the site.
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    async def add_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(headers)
        # Static assets are versioned by file name and hold no patient data; everything else may.
        is_static = request.url.path.startswith("/static/")
        response.headers["Cache-Control"] = "public, max-age=86400" if is_static else "no-store"
        return response

    return add_headers  # type: ignore[return-value]


async def check_csrf(request: Request, expected: str, public_url: str) -> None:
    if request.method not in UNSAFE:
        return
    origin = request.headers.get("origin")
    if origin and origin not in (public_url.rstrip("/"), f"{request.url.scheme}://{request.url.netloc}"):
        raise CsrfRefused
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, expected):
        raise CsrfRefused
