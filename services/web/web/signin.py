"""Sign-in and sign-out (ADR 0017).

Production: OpenID Connect, authorization code flow with PKCE (S256), against the region's identity provider
(`WEB_OIDC_*`), with Authlib's Starlette client; role and organisation are the provider's `role` and `org` claims.
The state, nonce and PKCE verifier live in a short-lived signed cookie between the redirect and the callback; the
tokens go into the server-side session. Development (`WEB_AUTH_MODE=dev`): a page to pick role and organisation,
and GET /dev-login?role=&org=, both minting a token from the local issuer; outside dev mode they answer 404."""

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from svu_shared import local_issuer
from svu_shared.auth import ROLES, org_problem
from web.backends import NotFound
from web.pages import START_PAGES, PageDep, respond, settings_of
from web.sessions import COOKIE, SessionStore
from web.settings import WebSettings

router = APIRouter(include_in_schema=False)
DEV_USERS = (  # the organisations of `make run`'s demo, offered on the development sign-in page
    ("ward", "SE2321000016-MEDAVD3"),
    ("municipality", "1280"),
    ("primary_care", "SE2321000016-VCLIMHAMN"),
    ("finance", "SE2321000016-EKONOMI"),
    ("admin", "SE2321000016-IT"),
)


def oauth_client(settings: WebSettings) -> Any:
    oauth = OAuth()
    oauth.register(
        "region",
        server_metadata_url=settings.oidc_discovery_url,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
    )
    return oauth.region


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host): an open redirect would carry the user elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def _start_session(request: Request, claims: dict[str, Any], tokens: dict[str, Any], target: str) -> Response:
    store: SessionStore = request.app.state.sessions
    session_id, session = await store.create(
        subject=str(claims["sub"]),
        role=str(claims["role"]),
        org=str(claims["org"]),
        access_token=tokens["access_token"],
        id_token=tokens.get("id_token"),
        refresh_token=tokens.get("refresh_token"),
        token_expires_at=datetime.fromtimestamp(int(tokens["expires_at"]), UTC),
    )
    response = RedirectResponse(target if target != "/" else START_PAGES[session.role], status_code=303)
    settings = settings_of(request)
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_max_hours * 3600,
        path="/",
    )
    return response


async def _dev_sign_in(request: Request, role: str, org: str, target: str) -> Response:
    ttl = settings_of(request).session_max_hours * 3600
    token = local_issuer.token(role, org, ttl_seconds=ttl)
    tokens = {"access_token": token, "expires_at": time.time() + ttl}
    return await _start_session(request, {"sub": f"{role}-user@{org}", "role": role, "org": org}, tokens, target)


def _dev_problem(role: str, org: str) -> dict[str, str]:
    if role not in ROLES:
        return {"role": "Välj en roll."}
    if problem := org_problem(role, org):
        return {"org": problem}
    return {}


@router.get("/sign-in")
async def sign_in(request: Request, next: str | None = None) -> Response:
    settings = settings_of(request)
    if settings.auth_mode == "dev":
        return respond(request, "pages/dev_sign_in.html", {"users": DEV_USERS, "next": _safe_next(next)})
    request.session["next"] = _safe_next(next)
    return await request.app.state.oauth.authorize_redirect(  # type: ignore[no-any-return]
        request, settings.public_url.rstrip("/") + "/auth/callback"
    )


@router.post("/sign-in")
async def dev_sign_in_form(
    request: Request, role: str = Form(""), org: str = Form(""), next: str = Form("/")
) -> Response:
    if settings_of(request).auth_mode != "dev":
        raise NotFound
    org = org.strip()
    if errors := _dev_problem(role, org):
        context = {"users": DEV_USERS, "next": _safe_next(next), "errors": errors, "values": {"role": role, "org": org}}
        return respond(request, "pages/dev_sign_in.html", context, 422)
    return await _dev_sign_in(request, role, org, _safe_next(next))


@router.get("/dev-login")
async def dev_login(request: Request, role: str = "", org: str = "", next: str | None = None) -> Response:
    if settings_of(request).auth_mode != "dev" or _dev_problem(role, org):
        raise NotFound
    return await _dev_sign_in(request, role, org, _safe_next(next))


@router.get("/auth/callback")
async def callback(request: Request) -> Response:
    if settings_of(request).auth_mode != "oidc":
        raise NotFound
    try:
        tokens = await request.app.state.oauth.authorize_access_token(request)
    except OAuthError:
        return respond(request, "pages/sign_in_failed.html", {"no_role": False}, 400)
    claims = dict(tokens.get("userinfo") or {})
    if claims.get("role") not in ROLES or org_problem(str(claims.get("role")), str(claims.get("org", ""))):
        return respond(request, "pages/sign_in_failed.html", {"no_role": True}, 403)
    return await _start_session(request, claims, tokens, _safe_next(request.session.pop("next", None)))


@router.post("/sign-out")
async def sign_out(page: PageDep) -> Response:
    await page.store.end(page.session)
    settings = settings_of(page.request)
    target = "/signed-out"
    if settings.auth_mode == "oidc":
        metadata = await page.request.app.state.oauth.load_server_metadata()
        if end_session := metadata.get("end_session_endpoint"):
            query = {
                "post_logout_redirect_uri": settings.public_url.rstrip("/") + "/signed-out",
                "client_id": settings.oidc_client_id,
            }
            if page.session.id_token:
                query["id_token_hint"] = page.session.id_token
            target = f"{end_session}?{urlencode(query)}"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/signed-out")
async def signed_out(request: Request) -> Response:
    return respond(request, "pages/signed_out.html")
