"""What every signed-in user has: the start page of their role, the header's counts, the live-update stream, finding
a stay by its id, and the accessibility statement (DOS-lagen 2018:1937 requires one)."""

import re
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sse_starlette import EventSourceResponse

from svu_shared.deps import ID_PATTERN
from web import live
from web.i18n import _
from web.pages import START_PAGES, PageDep, optional_session, respond

router = APIRouter(include_in_schema=False)


@router.get("/")
async def start(page: PageDep) -> Response:
    return RedirectResponse(START_PAGES[page.session.role], status_code=303)


async def counts(page: PageDep) -> dict[str, Any] | None:
    """Unread and overdue for the header: the receiver's cases, or the ward's patients and due items."""
    role, org = page.session.role, page.session.org
    if role in ("municipality", "primary_care"):
        kind = "municipality" if role == "municipality" else "primary_care"
        scope = {"receiver_kind": kind, "receiver_id": org, "limit": 1}
        unread = await page.get("planning", "/cases", **scope, unread="true")
        overdue = await page.get("planning", "/cases", **scope, overdue="true")
        return {
            "unread": unread["total"],
            "overdue": overdue["total"],
            "unread_href": "/inbox?show=unread",
            "overdue_href": "/inbox?show=overdue",
        }
    if role == "ward":
        unread = await page.get("planning", "/stays", care_unit=org, unread="true", limit=1)
        overdue = await page.get("planning", "/due", care_unit=org, overdue="true", limit=1)
        return {
            "unread": unread["total"],
            "overdue": overdue["total"],
            "unread_href": "/ward?show=unread",
            "overdue_href": "/ward/due?show=overdue",
        }
    return None


@router.get("/header/counts")
async def header_counts(page: PageDep) -> Response:
    return page.render("partials/header_counts.html", {"counts": await counts(page)})


@router.get("/events")
async def events(page: PageDep, request: Request) -> Response:
    """Server-sent events for this tab (web.live): what changed for the user's organisation (and, for finance,
    billing). The browser reconnects by itself after a restart and then refreshes what it shows."""
    channels = [f"org:{page.session.org}"] + ([live.FINANCE] if page.session.role == "finance" else [])
    hub: live.Hub = request.app.state.hub
    return EventSourceResponse(live.stream(hub, channels, request.is_disconnected), ping=10)


@router.get("/stays")
async def find_stay_page(page: PageDep) -> Response:
    return page.render("pages/find_stay.html")


@router.post("/stays")
async def find_stay(page: PageDep, stay_id: str = Form("")) -> Response:
    stay_id = stay_id.strip()
    if not re.fullmatch(ID_PATTERN, stay_id):
        error = _("Enter a stay id: letters, digits and . _ : -, at most 64 characters")
        return page.render("pages/find_stay.html", {"values": {"stay_id": stay_id}, "errors": {"stay_id": error}}, 422)
    return RedirectResponse(f"/stays/{stay_id}", status_code=303)


@router.get("/accessibility")
async def accessibility(request: Request) -> Response:
    return respond(request, "pages/accessibility.html", {"session": await optional_session(request)})
