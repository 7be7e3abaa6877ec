"""What every screen uses: the templates, the signed-in user (`Page`), rendering, and acting on a form.

A screen is a route that takes `page: Page` (or `page: ForRoles(...)`), reads what it shows from the services
with `page.get(...)`, and renders a template with `page.render(...)`. A form's POST calls `page.act(...)`: on
success it redirects (POST-redirect-GET) with a notice; on a 409 or 422 it shows the same form again with each
rule beside its field and the input kept; on a 503 it says to try again, the input kept."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from authlib.integrations.starlette_client import OAuthError
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from web import i18n
from web.backends import Backends, NotFound, Refused, Service, Unavailable
from web.security import check_csrf
from web.sessions import COOKIE, Session, SessionStore
from web.settings import WebSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"
ROLE_WORDS = {  # message ids; the templates translate them
    "ward": i18n.N_("Ward"),
    "municipality": i18n.N_("Municipality"),
    "primary_care": i18n.N_("Primary care"),
    "finance": i18n.N_("Finance"),
    "admin": i18n.N_("Administration"),
}


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.TRANSLATIONS, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(when=i18n.when, day=i18n.day, long_day=i18n.long_day, money=i18n.money, number=i18n.number)
    env.globals.update(waiting_day=i18n.waiting_day, role_words=ROLE_WORDS)
    return env


templates = Jinja2Templates(env=_environment())
DEFAULTS: dict[str, Any] = {"session": None, "flash": None, "errors": {}, "values": {}, "rule": None}


def respond(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    """Every HTML answer: the template with what base.html and the form macros expect filled in."""
    return templates.TemplateResponse(request, template, {**DEFAULTS, **(context or {})}, status_code=status)


class SignInFirst(Exception):
    """No live session: the user is sent to sign in, and back here afterwards."""


@dataclass
class Page:
    request: Request
    session: Session
    backends: Backends
    store: SessionStore
    flash: str | None = None  # the one-time notice after a redirect, taken from the session for this page

    @property
    def token(self) -> str:
        return self.session.access_token

    async def get(self, service: Service, path: str, **params: Any) -> Any:
        return await self.backends.get(self.token, service, path, **params)

    async def send(self, service: Service, method: str, path: str, body: Any = None) -> Any:
        return await self.backends.send(self.token, service, method, path, body)

    def render(self, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
        return respond(
            self.request, template, {"session": self.session, "flash": self.flash, **(context or {})}, status
        )

    async def act(
        self,
        action: Callable[[], Awaitable[Any]],
        *,
        done: str,
        notice: str,
        form: str,
        context: Callable[[], Awaitable[dict[str, Any]]],
        values: dict[str, Any],
        rule_field: str | None = None,
    ) -> Response:
        """Runs `action`; on success redirects to `done` with `notice`; otherwise the form again (see module doc).
        `rule_field` is the field a 409 is about, where the form has one (a stay id already used): the rule is
        shown beside it."""
        try:
            await action()
        except Refused as refused:
            shown = await context()
            errors, rule = refused.fields, refused.rule
            if refused.status == 409 and rule_field and rule:
                errors, rule = {rule_field: rule}, None
            return self.render(form, {**shown, "values": values, "errors": errors, "rule": rule}, refused.status)
        except Unavailable:
            shown = await context()
            unavailable = i18n._("The service is not answering just now. Your input is kept: try again in a moment.")
            return self.render(form, {**shown, "values": values, "rule": unavailable}, 503)
        self.session.data["flash"] = notice
        await self.store.save_data(self.session)
        return RedirectResponse(done, status_code=303)


async def refresh_if_due(request: Request, session: Session) -> bool:
    """Renews a provider's short-lived access token with the refresh token before it runs out; False when the
    provider refuses (the user signs in again)."""
    if session.token_expires_at - datetime.now(UTC) > timedelta(seconds=30):
        return True
    if not session.refresh_token or settings_of(request).auth_mode != "oidc":
        return False
    try:
        tokens = await request.app.state.oauth.fetch_access_token(
            grant_type="refresh_token", refresh_token=session.refresh_token
        )
    except OAuthError:
        return False
    store: SessionStore = request.app.state.sessions
    await store.save_tokens(
        session,
        tokens["access_token"],
        tokens.get("refresh_token", session.refresh_token),
        datetime.fromtimestamp(int(tokens["expires_at"]), UTC),
    )
    return True


def settings_of(request: Request) -> WebSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def _page(request: Request) -> Page:
    store: SessionStore = request.app.state.sessions
    session = await store.find(request.cookies.get(COOKIE))
    if session is None or not await refresh_if_due(request, session):
        raise SignInFirst
    await check_csrf(request, session.csrf_token, settings_of(request).public_url)
    request.state.session = session
    flash = None
    if request.method == "GET" and not request.headers.get("hx-request") and (flash := session.pop_flash()):
        await store.save_data(session)  # shown once: on this page, not on the next
    return Page(request, session, request.app.state.backends, store, flash)


async def optional_session(request: Request) -> Session | None:
    """The signed-in user on a page that anyone may read (the accessibility statement)."""
    store: SessionStore = request.app.state.sessions
    return await store.find(request.cookies.get(COOKIE))


PageDep = Annotated[Page, Depends(_page)]


def for_roles(*roles: str) -> Any:
    """A page for these roles only; anyone else gets the same "not found" as for a page that does not exist.
    (Typed Any: mypy cannot take an Annotated alias made at run time as a type; a route's `page` is a Page.)"""

    async def check(page: PageDep) -> Page:
        if page.session.role not in roles:
            raise NotFound
        return page

    return Annotated[Page, Depends(check)]


START_PAGES = {
    "ward": "/ward",
    "municipality": "/inbox",
    "primary_care": "/inbox",
    "finance": "/finance",
    "admin": "/admin/audit",
}


# The pages of each user group. mypy cannot take an Annotated alias made at run time as a type, so it sees Page.
if TYPE_CHECKING:
    WardPage: TypeAlias = Page
    ReceiverPage: TypeAlias = Page
    StayPage: TypeAlias = Page
    FinancePage: TypeAlias = Page
    MunicipalityPage: TypeAlias = Page
    InvoiceReaderPage: TypeAlias = Page
    LogReaderPage: TypeAlias = Page
else:
    WardPage = for_roles("ward")
    ReceiverPage = for_roles("municipality", "primary_care")
    StayPage = for_roles("ward", "municipality", "primary_care")
    FinancePage = for_roles("finance")
    MunicipalityPage = for_roles("municipality")
    InvoiceReaderPage = for_roles("finance", "municipality")
    LogReaderPage = for_roles("admin")
