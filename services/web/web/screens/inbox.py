"""Inkorg (handbook §5): the municipality's and the vårdcentral's cases, newest and overdue first, with what is new
since the user last looked ("Ny"), what is unread ("Oläst"), what is due and overdue in words ("Förfallen"), filters
and sorting as GET parameters, and rows that refresh themselves live (a new case appears without reload).

The time of the user's last look is kept in the session (`inbox_seen_at`); the look before it (`inbox_seen_before`)
is what the rows mark "Ny" from, so the rows keep their marks while they refresh and a case arriving live is new."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response

from web.i18n import N_
from web.pages import Page, ReceiverPage

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SHOWS = {
    "": N_("All cases"),
    "unread": N_("Unread"),
    "overdue": N_("Overdue"),
    "ready": N_("Discharge-ready"),
}
SORTS = {
    "": N_("Newest first"),
    "ready": N_("Discharge-ready time, longest waiting first"),
    "estimated": N_("Estimated discharge date, earliest first"),
}


def chosen(value: str | None, allowed: dict[str, str]) -> str:
    """A filter or sort from the address, or the default ("") for anything else."""
    return value if value in allowed else ""


def cases_query(role: str, org: str, show: str, sort: str, offset: int) -> dict[str, Any]:
    """Planning's GET /cases parameters for the receiver's inbox with the chosen filter, sort and page."""
    query: dict[str, Any] = {"receiver_kind": role, "receiver_id": org, "limit": PAGE_SIZE, "offset": max(offset, 0)}
    if show:
        query[show] = "true"
    if sort:
        query["sort"] = sort
    return query


def address(path: str, show: str, sort: str, offset: int = 0) -> str:
    """The inbox's (or its rows') address keeping the filter and sort."""
    params = {k: v for k, v in (("show", show), ("sort", sort), ("offset", offset)) if v}
    return path + ("?" + urlencode(params) if params else "")


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rows(items: list[dict[str, Any]], show: str, seen_before: str | None) -> list[dict[str, Any]]:
    """Each case as the inbox shows it: `is_new` when it opened after the user's previous look (every case on the
    first look), `overdue` when something due is overdue, `unread` the messages not acknowledged. A filter the
    service has already applied changes nothing here."""
    before = _moment(seen_before)
    shown = []
    for item in items:
        opened = _moment(item.get("opened_at"))
        due = item.get("due") or []
        row = {
            **item,
            "is_new": before is None or (opened is not None and opened > before),
            "overdue": any(d.get("overdue") for d in due),
            "unread": int(item.get("unacknowledged") or 0),
            "due": due,
            "row_id": "case-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in str(item.get("case_id", ""))),
        }
        if show == "unread" and not row["unread"]:
            continue
        if show == "overdue" and not row["overdue"]:
            continue
        if show == "ready" and item.get("status") != "discharge_ready":
            continue
        shown.append(row)
    return shown


async def _context(page: Page, show: str, sort: str, offset: int) -> dict[str, Any]:
    role, org = page.session.role, page.session.org
    found = await page.get("planning", "/cases", **cases_query(role, org, show, sort, offset))
    total = int(found.get("total") or 0)
    offset = max(offset, 0)
    return {
        "rows": rows(found.get("items") or [], show, page.session.data.get("inbox_seen_before")),
        "total": total,
        "show": show,
        "sort": sort,
        "shows": SHOWS,
        "sorts": SORTS,
        "offset": offset,
        "rows_url": address("/inbox/rows", show, sort, offset),
        "previous_url": address("/inbox", show, sort, offset - PAGE_SIZE) if offset > 0 else None,
        "next_url": address("/inbox", show, sort, offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
        "first_shown": offset + 1 if total else 0,
        "last_shown": min(offset + PAGE_SIZE, total),
        "seen_before": page.session.data.get("inbox_seen_before"),
    }


@router.get("/inbox")
async def inbox(
    page: ReceiverPage, show: str | None = Query(None), sort: str | None = Query(None), offset: int = Query(0)
) -> Response:
    """The full page: the user's look is recorded, and what opened since the look before is marked new."""
    page.session.data["inbox_seen_before"] = page.session.data.get("inbox_seen_at")
    page.session.data["inbox_seen_at"] = datetime.now(UTC).isoformat()
    context = await _context(page, chosen(show, SHOWS), chosen(sort, SORTS), offset)
    response = page.render("pages/inbox_list.html", context)
    await page.store.save_data(page.session)  # the look
    return response


@router.get("/inbox/rows")
async def inbox_rows(
    page: ReceiverPage, show: str | None = Query(None), sort: str | None = Query(None), offset: int = Query(0)
) -> Response:
    """The rows alone, as the page refreshes them live, with the same filter, sort and page."""
    return page.render(
        "partials/inbox_rows.html", await _context(page, chosen(show, SHOWS), chosen(sort, SORTS), offset)
    )
