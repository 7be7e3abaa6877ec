"""The ward's screens (handbook §5): Avdelningsöversikt (the ward's patients with their SVU status, live), what the
ward owes now, the admission notice (inskrivningsmeddelande), and one form per ward action on a stay. Every read
and write goes to the owning service with the user's token; the services decide, a 409 is shown beside the form.

The pure helpers at the top turn a submitted form into the service's JSON body: the forms take Stockholm local
date and time, the services take aware ISO datetimes; an empty optional field is left out of the body."""

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.backends import NotFound, Unavailable
from web.i18n import N_, STOCKHOLM, _
from web.pages import Page, WardPage

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
ALL_ROWS = 1000  # planning's largest page: a sort or a combined status is done here over at most this many

# ---------------------------------------------------------------------------------------------------------------
# Form → service body (pure; tests/test_ward_forms.py)

Form = Mapping[str, Any]


def text(form: Form, name: str) -> str | None:
    """The field's value without surrounding spaces; None when empty or absent."""
    value = form.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def aware(value: str | None) -> str | None:
    """A Stockholm local date and time from a form ("2026-11-23T14:05") as an aware ISO datetime
    ("2026-11-23T14:05:00+01:00"). Something that is no date and time is passed on as typed, so the service's rule
    is shown beside the field."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.isoformat()


def local(value: str | datetime | None) -> str:
    """An aware moment as a form shows it: Stockholm local "YYYY-MM-DDTHH:MM" (for <input type="datetime-local">)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


def now_local(now: datetime | None = None) -> str:
    return local(now or datetime.now(UTC))


def compact(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the fields left empty (the service's default applies)."""
    return {key: value for key, value in body.items() if value is not None and value != "" and value != []}


def patient_id(value: str | None) -> str | None:
    """A personnummer as people write it ("19121212-1212", with spaces) as the service takes it: 12 digits."""
    if value is None:
        return None
    return value.replace("-", "").replace("+", "").replace(" ", "") or None


def lines(value: str | None) -> list[str]:
    """A textarea with one item per line as a list, empty lines dropped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def checked(form: Form, name: str) -> bool:
    return str(form.get(name, "")).lower() in ("true", "on", "1", "yes")


def notice_body(form: Form, care_unit: str) -> dict[str, Any]:
    """Inskrivningsmeddelande (admission AdmissionNoticeIn): the ward sends for itself, its own care unit."""
    body = compact(
        {
            "stay_id": text(form, "stay_id"),
            "patient_id": patient_id(text(form, "patient_id")) or "",
            "patient_name": text(form, "patient_name"),
            "patient_address": text(form, "patient_address"),
            "municipality": text(form, "municipality") or "",
            "care_type": text(form, "care_type"),
            "admitted_at": aware(text(form, "admitted_at")) or "",
            "support_needed_judged_at": aware(text(form, "support_needed_judged_at")),
            "estimated_discharge_date": text(form, "estimated_discharge_date"),
            "primary_care_unit": text(form, "primary_care_unit"),
        }
    )
    # Required fields go as "" when empty: the service names them beside their fields.
    for required in ("patient_id", "municipality", "admitted_at"):
        body.setdefault(required, "")
    body["care_unit"] = care_unit
    body["protected_identity"] = checked(form, "protected_identity")
    return body


def correction_body(form: Form) -> dict[str, Any]:
    """Rättelse (admission CorrectionIn): only what is filled in changes."""
    return {
        **compact(
            {
                "admitted_at": aware(text(form, "admitted_at")),
                "support_needed_judged_at": aware(text(form, "support_needed_judged_at")),
                "primary_care_unit": text(form, "primary_care_unit"),
            }
        ),
        "reason": text(form, "reason") or "",
    }


def reason_body(form: Form) -> dict[str, Any]:
    """Makulering (admission CancellationIn)."""
    return {"reason": text(form, "reason") or ""}


def transfer_body(form: Form) -> dict[str, Any]:
    """Flytt (admission TransferIn): now when no time is given."""
    return {
        "to_care_unit": text(form, "to_care_unit") or "",
        **compact({"transferred_at": aware(text(form, "transferred_at"))}),
    }


def interruption_body(form: Form) -> dict[str, Any]:
    """Avbrott i processen (admission InterruptionIn): the new municipality only with a move."""
    reason = text(form, "reason") or ""
    body: dict[str, Any] = {"reason": reason, "note": text(form, "note") or ""}
    if reason == "moved_municipality" or text(form, "new_municipality"):
        body["new_municipality"] = text(form, "new_municipality") or ""
    return body


def estimate_body(form: Form) -> dict[str, Any]:
    """Beräknat utskrivningsdatum (discharge EstimateIn)."""
    return {"estimated_discharge_date": text(form, "estimated_discharge_date") or ""}


def assessment_body(form: Form) -> dict[str, Any]:
    """Kartläggning (planning AssessmentContentIn): the needs one per line."""
    return {"summary": text(form, "summary") or "", "needs": lines(text(form, "needs"))}


def ready_body(form: Form) -> dict[str, Any]:
    """Utskrivningsklar (discharge DischargeReadyIn): when the physician judged it."""
    return {"judged_at": aware(text(form, "judged_at")) or ""}


def backdating_body(form: Form) -> dict[str, Any]:
    """Rättelse av sändningstid (discharge BackdatingIn): when the paper notice was really sent, and why."""
    return {"sent_at": aware(text(form, "sent_at")) or "", "reason": text(form, "reason") or ""}


def withdrawal_body(form: Form) -> dict[str, Any]:
    """Återkallelse (discharge WithdrawalIn): now when no time is given."""
    return {"reason": text(form, "reason") or "", **compact({"withdrawn_at": aware(text(form, "withdrawn_at"))})}


def information_body(form: Form) -> dict[str, Any]:
    """Information vid utskrivning (discharge InformationIn): when each document was sent."""
    return compact(
        {
            "epicrisis_sent_at": aware(text(form, "epicrisis_sent_at")),
            "medication_list_sent_at": aware(text(form, "medication_list_sent_at")),
        }
    )


def discharge_body(form: Form) -> dict[str, Any]:
    """Utskriven till … (discharge DischargeIn)."""
    return {"discharged_at": aware(text(form, "discharged_at")) or "", "destination": text(form, "destination") or ""}


# ---------------------------------------------------------------------------------------------------------------
# The ward's list (pure)

SORTS = {
    "admitted": N_("Admitted, newest first"),
    "ready": N_("Discharge-ready, longest waiting first"),
    "estimated": N_("Estimated discharge date, earliest first"),
}
STATUSES = {
    "current": N_("On the ward (admitted or discharge-ready)"),
    "admitted": N_("Admitted"),
    "discharge_ready": N_("Discharge-ready"),
    "discharged": N_("Discharged"),
    "cancelled": N_("Cancelled"),
    "all": N_("All"),
}
RECEIVERS = {"municipality": N_("Municipality"), "primary_care": N_("Primary care")}


@dataclass(frozen=True)
class ListQuery:
    status: str = "current"
    sort: str = "admitted"
    late: bool = False
    unread: bool = False
    page: int = 1

    @classmethod
    def of(cls, params: Mapping[str, str]) -> "ListQuery":
        """The list's filters from the address; anything unknown falls back to the default."""
        show = params.get("show", "")
        status = params.get("status", "current")
        sort = params.get("sort", "admitted")
        try:
            number = max(1, min(int(params.get("page", "1")), 100000))
        except ValueError:
            number = 1
        return cls(
            status=status if status in STATUSES else "current",
            sort=sort if sort in SORTS else "admitted",
            late=params.get("late") == "true" or show == "late",
            unread=params.get("unread") == "true" or show == "unread",
            page=number,
        )

    def query(self, **change: Any) -> str:
        """The address's query for these filters (with `change`), defaults left out."""
        values = {**self.__dict__, **change}
        params = {
            "status": values["status"] if values["status"] != "current" else None,
            "sort": values["sort"] if values["sort"] != "admitted" else None,
            "late": "true" if values["late"] else None,
            "unread": "true" if values["unread"] else None,
            "page": str(values["page"]) if values["page"] != 1 else None,
        }
        return urlencode({k: v for k, v in params.items() if v is not None})


def sort_stays(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Newest admission first; or longest discharge-ready first (not ready last); or earliest estimated date first
    (none last). Ties by newest admission."""
    by_admission = sorted(items, key=lambda s: (s.get("admitted_at") or "", s.get("stay_id") or ""), reverse=True)
    if sort == "ready":
        return sorted(by_admission, key=lambda s: (s.get("ready_at") is None, _instant(s.get("ready_at"))))
    if sort == "estimated":
        return sorted(
            by_admission,
            key=lambda s: (s.get("estimated_discharge_date") is None, s.get("estimated_discharge_date") or ""),
        )
    return by_admission


def _instant(value: str | None) -> float:
    if not value:
        return 0.0
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def receivers(stay: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The parties the ward's messages go to: the patient's municipality and, when known, its vårdcentral."""
    found = [("municipality", str(stay["municipality"]))] if stay.get("municipality") else []
    if stay.get("primary_care_unit"):
        found.append(("primary_care", str(stay["primary_care_unit"])))
    return found


def not_acknowledged(stay: Mapping[str, Any], messages: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """Each receiver that has not acknowledged all of the ward's own messages, with how many it has not."""
    own = [m for m in messages if m.get("own")]
    missing = []
    for kind, org in receivers(stay):
        count = sum(
            1
            for m in own
            if (m.get("to_role") in (None, kind))
            and not any(
                a.get("party_kind") == kind and a.get("party_id") == org for a in m.get("acknowledgements") or []
            )
        )
        if count:
            missing.append((kind, org, count))
    return missing


def last_day(due_at: str | None) -> str | None:
    """The last calendar day (Stockholm) on which something due before the instant `due_at` is on time."""
    if not due_at:
        return None
    moment = datetime.fromisoformat(due_at)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (moment - timedelta(microseconds=1)).astimezone(STOCKHOLM).date().isoformat()


def receiving_decided_at(messages: list[dict[str, Any]]) -> str | None:
    """When the municipality last recorded its decision before discharge (ställningstagande inför utskrivning)."""
    moments = [m["occurred_at"] for m in messages if str(m.get("type", "")).endswith(".receiving_decided.v1")]
    return max(moments) if moments else None


# ---------------------------------------------------------------------------------------------------------------
# Avdelningsöversikt

_unread_known: tuple[float, bool] = (0.0, False)


async def unread_filter_offered(page: Page) -> bool:
    """Whether planning's GET /stays takes `unread` yet (its OpenAPI document says), asked every five minutes."""
    global _unread_known
    asked_at, offered = _unread_known
    if time.monotonic() - asked_at < 300:
        return offered
    try:
        document = await page.get("planning", "/openapi.json")
        parameters = document["paths"]["/stays"]["get"].get("parameters", [])
        offered = any(p.get("name") == "unread" for p in parameters)
    except (NotFound, Unavailable, KeyError, TypeError, ValueError):
        offered = False
    _unread_known = (time.monotonic(), offered)
    return offered


async def _messages(page: Page, stay_id: str) -> list[dict[str, Any]] | None:
    try:
        found = await page.get("planning", f"/stays/{quote(stay_id, safe='')}/messages")
    except (NotFound, Unavailable):
        return None  # the row says "unknown" rather than the list failing
    return found if isinstance(found, list) else None


async def _stays(page: Page, q: ListQuery, unread_offered: bool) -> tuple[list[dict[str, Any]], int, bool]:
    """The page of rows, how many in all, and whether the list was cut at planning's largest page."""
    scope = {
        "care_unit": page.session.org,
        "late_notice": "true" if q.late else None,
        "unread": "true" if q.unread and unread_offered else None,
    }
    statuses = ["admitted", "discharge_ready"] if q.status == "current" else [None if q.status == "all" else q.status]
    start = (q.page - 1) * PAGE_SIZE
    if q.sort == "admitted" and len(statuses) == 1:  # planning's own order: it pages
        found = await page.get("planning", "/stays", **scope, status=statuses[0], limit=PAGE_SIZE, offset=start)
        return found["items"], found["total"], False
    answers = await asyncio.gather(
        *(page.get("planning", "/stays", **scope, status=status, limit=ALL_ROWS) for status in statuses)
    )
    items = [item for answer in answers for item in answer["items"]]
    cut = sum(answer["total"] for answer in answers) > len(items)
    return sort_stays(items, q.sort)[start : start + PAGE_SIZE], len(items), cut


async def _overview(page: Page, request: Request) -> dict[str, Any]:
    q = ListQuery.of(request.query_params)
    offered = await unread_filter_offered(page)
    unread_asked = q.unread
    if q.unread and not offered:
        q = ListQuery(status=q.status, sort=q.sort, late=q.late, unread=False, page=q.page)
    items, total, cut = await _stays(page, q, offered)
    timelines = await asyncio.gather(*(_messages(page, item["stay_id"]) for item in items))
    rows = [
        {
            "stay": item,
            "unacknowledged": None if messages is None else not_acknowledged(item, messages),
            "receiving_decided_at": None if messages is None else receiving_decided_at(messages),
            "sip_last_day": last_day(item.get("sip_due_at")),
        }
        for item, messages in zip(items, timelines, strict=True)
    ]
    pages = max(1, -(-total // PAGE_SIZE))
    return {
        "q": q,
        "rows": rows,
        "total": total,
        "cut": cut,
        "first": (q.page - 1) * PAGE_SIZE + 1 if rows else 0,
        "last": (q.page - 1) * PAGE_SIZE + len(rows),
        "pages": pages,
        "unread_offered": offered,
        "unread_unavailable": unread_asked and not offered,
        "sorts": SORTS,
        "statuses": STATUSES,
        "receiver_words": RECEIVERS,
    }


@router.get("/ward")
async def overview(page: WardPage, request: Request) -> Response:
    return page.render("pages/ward_overview.html", await _overview(page, request))


@router.get("/ward/rows")
async def overview_rows(page: WardPage, request: Request) -> Response:
    return page.render("partials/ward_rows.html", await _overview(page, request))


# ---------------------------------------------------------------------------------------------------------------
# Det avdelningen ska göra nu

DUE_WORDS = {
    "assessment": N_("Assessment (kartläggning)"),
    "information_at_discharge": N_("Information at discharge"),
    "notice_correction": N_("Correct or cancel the admission notice"),
    "care_contact": N_("Named care contact"),
    "sip_decision": N_("Decision on SIP"),
    "sip_invitation": N_("SIP invitation"),
    "receiving_decision": N_("Decision before discharge"),
}
OWED_BY = {"ward": N_("the ward"), "municipality": N_("the municipality"), "primary_care": N_("primary care")}


async def _due(page: Page, request: Request) -> dict[str, Any]:
    overdue_only = request.query_params.get("show") == "overdue"
    try:
        number = max(1, min(int(request.query_params.get("page", "1")), 100000))
    except ValueError:
        number = 1
    found = await page.get(
        "planning",
        "/due",
        care_unit=page.session.org,
        overdue="true" if overdue_only else None,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    total = found["total"]
    query = {"show": "overdue"} if overdue_only else {}
    rows = [
        {**row, "due": [{**item, "last_day": last_day(item.get("due_at"))} for item in row.get("due") or []]}
        for row in found["items"]
    ]
    return {
        "rows": rows,
        "total": total,
        "overdue_only": overdue_only,
        "page_number": number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": urlencode(query),
        "previous": urlencode({**query, "page": number - 1}) if number > 1 else None,
        "next": urlencode({**query, "page": number + 1}) if number * PAGE_SIZE < total else None,
        "first": (number - 1) * PAGE_SIZE + 1 if found["items"] else 0,
        "last": (number - 1) * PAGE_SIZE + len(found["items"]),
        "due_words": DUE_WORDS,
        "owed_by": OWED_BY,
    }


@router.get("/ward/due")
async def due(page: WardPage, request: Request) -> Response:
    return page.render("pages/ward_due.html", await _due(page, request))


@router.get("/ward/due/rows")
async def due_rows(page: WardPage, request: Request) -> Response:
    return page.render("partials/ward_due_rows.html", await _due(page, request))


# ---------------------------------------------------------------------------------------------------------------
# Inskrivningsmeddelande


def _notice_context(page: Page) -> Callable[[], Any]:
    async def context() -> dict[str, Any]:
        return {"care_unit": page.session.org}

    return context


@router.get("/ward/notices/new")
async def new_notice(page: WardPage) -> Response:
    values = {"care_type": "somatic", "admitted_at": now_local()}
    return page.render("pages/ward_notice.html", {"care_unit": page.session.org, "values": values})


@router.post("/ward/notices/new")
async def send_notice(page: WardPage) -> Response:
    form = dict(await page.request.form())
    body = notice_body(form, page.session.org)
    created: dict[str, Any] = {}

    async def send() -> None:
        created.update(await page.send("admission", "POST", "/admission-notices", body) or {})

    response = await page.act(
        send,
        done="/ward",
        notice=_("The admission notice has been sent"),
        form="pages/ward_notice.html",
        context=_notice_context(page),
        values=form,
        rule_field="stay_id",  # the one 409 of a new notice: the stay id already has another notice
    )
    if response.status_code == 303 and created.get("stay_id") and await _planning_knows(page, created["stay_id"]):
        response.headers["location"] = f"/stays/{quote(str(created['stay_id']), safe='')}"
    return response


async def _planning_knows(page: Page, stay_id: str, seconds: float = 5.0) -> bool:
    """The stay's page is planning's, which learns of the notice from its event a moment after admission answers:
    wait for it (polling, bounded) so the nurse lands on the stay, not on "not found"; else the overview."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            await page.get("planning", f"/stays/{quote(stay_id, safe='')}")
            return True
        except NotFound:
            await asyncio.sleep(0.1)
    return False


# ---------------------------------------------------------------------------------------------------------------
# The ward's actions on a stay: one form each, GET shows it with the stay's summary, POST acts


@dataclass(frozen=True)
class Action:
    title: str  # message id
    service: str
    method: str
    path: str  # after /stays/{stay_id}
    body: Callable[[Form], dict[str, Any]]
    notice: str  # message id
    prefill: Callable[[dict[str, Any]], dict[str, Any]] = lambda stay: {}


def _assessment_prefill(stay: dict[str, Any]) -> dict[str, Any]:
    record = stay.get("assessment") or {}
    return {"summary": record.get("summary", ""), "needs": "\n".join(record.get("needs") or [])}


def _information_prefill(stay: dict[str, Any]) -> dict[str, Any]:
    return {
        "epicrisis_sent_at": local(stay.get("epicrisis_sent_at")),
        "medication_list_sent_at": local(stay.get("medication_list_sent_at")),
    }


ACTIONS: dict[str, Action] = {
    "estimated-date": Action(
        N_("Estimated discharge date"),
        "discharge",
        "PUT",
        "/estimated-discharge-date",
        estimate_body,
        N_("The estimated discharge date has been sent"),
        lambda stay: {"estimated_discharge_date": stay.get("estimated_discharge_date") or ""},
    ),
    "assessment": Action(
        N_("Assessment"),
        "planning",
        "PUT",
        "/assessment",
        assessment_body,
        N_("The assessment has been saved"),
        _assessment_prefill,
    ),
    "discharge-ready": Action(
        N_("Discharge-ready notice"),
        "discharge",
        "POST",
        "/discharge-ready",
        ready_body,
        N_("The discharge-ready notice has been sent"),
        lambda stay: {"judged_at": now_local()},
    ),
    "backdating": Action(
        N_("Correct the send time of a paper notice"),
        "discharge",
        "POST",
        "/discharge-ready/backdating",
        backdating_body,
        N_("The send time of the discharge-ready notice has been corrected"),
    ),
    "withdrawal": Action(
        N_("Withdraw discharge-ready"),
        "discharge",
        "POST",
        "/discharge-ready/withdrawal",
        withdrawal_body,
        N_("The discharge-ready notice has been withdrawn"),
    ),
    "information": Action(
        N_("Information at discharge"),
        "discharge",
        "POST",
        "/discharge-information",
        information_body,
        N_("The information at discharge has been recorded"),
        _information_prefill,
    ),
    "discharge": Action(
        N_("Discharge the patient"),
        "discharge",
        "POST",
        "/discharge",
        discharge_body,
        N_("The discharge has been sent"),
        lambda stay: {"discharged_at": now_local()},
    ),
    "correction": Action(
        N_("Correct the admission notice"),
        "admission",
        "POST",
        "/corrections",
        correction_body,
        N_("The admission notice has been corrected"),
    ),
    "transfer": Action(
        N_("Transfer to another ward"),
        "admission",
        "POST",
        "/transfers",
        transfer_body,
        N_("The transfer has been sent"),
    ),
    "interruption": Action(
        N_("Process interruption"),
        "admission",
        "POST",
        "/interruption",
        interruption_body,
        N_("The process interruption has been sent"),
    ),
    "cancellation": Action(
        N_("Cancel the admission notice"),
        "admission",
        "POST",
        "/cancellation",
        reason_body,
        N_("The admission notice has been cancelled"),
    ),
}
DESTINATIONS = [
    ("home", N_("Home")),
    ("special_housing", N_("Special housing")),
    ("short_term_place", N_("Short-term place")),
    ("other_region", N_("Other region")),
    ("deceased", N_("Deceased")),
]
INTERRUPTIONS = [
    ("declined_support", N_("The patient declines support")),
    ("moved_municipality", N_("The patient has moved to another municipality")),
    ("died", N_("The patient died before discharge")),
]


async def _stay(page: Page, stay_id: str, planning: bool = False) -> dict[str, Any]:
    """The stay as the form shows it: admission's notice (it exists as soon as it is sent), discharge's timeline
    (when it has heard of the stay) and, for the assessment, planning's record; "not found" when not the ward's."""
    path = f"/stays/{quote(stay_id, safe='')}"

    async def timeline() -> dict[str, Any]:
        try:
            found = await page.get("discharge", path)
        except NotFound:
            return {}
        return found if isinstance(found, dict) else {}

    async def plan() -> dict[str, Any]:
        if not planning:
            return {}
        try:
            found = await page.get("planning", path)
        except NotFound:
            return {}
        return found if isinstance(found, dict) else {}

    notice, steps, planned = await asyncio.gather(page.get("admission", path), timeline(), plan())
    status = "cancelled" if notice.get("cancelled_at") else steps.get("status") or planned.get("status") or "admitted"
    return {
        **planned,
        **notice,
        **{k: v for k, v in steps.items() if v is not None},
        "status": status,
        "ready_at": steps.get("ready_since") or planned.get("ready_at"),
    }


def _action(name: str) -> Action:
    found = ACTIONS.get(name)
    if found is None:
        raise NotFound
    return found


def _form_context(page: Page, stay_id: str, name: str) -> Callable[[], Any]:
    async def context() -> dict[str, Any]:
        stay = await _stay(page, stay_id, planning=name == "assessment")
        return {
            "stay": stay,
            "action": name,
            "title": ACTIONS[name].title,
            "destinations": DESTINATIONS,
            "interruptions": INTERRUPTIONS,
            "now": now_local(),
        }

    return context


async def _perform(page: Page, stay_id: str, name: str, form: dict[str, Any]) -> Response:
    action = ACTIONS[name]
    body = action.body(form)
    path = f"/stays/{quote(stay_id, safe='')}{action.path}"
    return await page.act(
        lambda: page.send(action.service, action.method, path, body),  # type: ignore[arg-type]
        done=f"/stays/{quote(stay_id, safe='')}",
        notice=_(action.notice),
        form=f"pages/ward_action_{name.replace('-', '_')}.html",
        context=_form_context(page, stay_id, name),
        values=form,
    )


@router.get("/stays/{stay_id}/ward/{name}")
async def action_form(page: WardPage, stay_id: str, name: str, request: Request) -> Response:
    action = _action(name)
    context = await _form_context(page, stay_id, name)()
    values = action.prefill(context["stay"])
    if name == "discharge-ready" and request.query_params.get("judged_at"):  # back from the confirmation step
        values["judged_at"] = request.query_params["judged_at"]
    return page.render(f"pages/ward_action_{name.replace('-', '_')}.html", {**context, "values": values})


@router.post("/stays/{stay_id}/ward/discharge-ready/confirm")
async def confirm_ready(page: WardPage, stay_id: str) -> Response:
    """The step before the act: says in words that the notice starts the municipality's payment clock."""
    form = dict(await page.request.form())
    context = await _form_context(page, stay_id, "discharge-ready")()
    judged = text(form, "judged_at")
    if judged is None or aware(judged) == judged:
        error = _("Enter when the physician judged the patient discharge-ready, as a date and a time")
        return page.render(
            "pages/ward_action_discharge_ready.html",
            {**context, "values": form, "errors": {"judged_at": error}},
            422,
        )
    back = f"/stays/{quote(stay_id, safe='')}/ward/discharge-ready?" + urlencode({"judged_at": judged})
    return page.render("pages/ward_confirm_ready.html", {**context, "values": form, "judged": judged, "back": back})


CHOICES = {  # a choice left empty is named here in the screen's words, before the service is asked
    "discharge": ("destination", N_("Choose where the patient is discharged to")),
    "interruption": ("reason", N_("Choose what happened")),
}


@router.post("/stays/{stay_id}/ward/{name}")
async def act(page: WardPage, stay_id: str, name: str) -> Response:
    _action(name)
    form = dict(await page.request.form())
    if name in CHOICES and not text(form, CHOICES[name][0]):
        field, message = CHOICES[name]
        context = await _form_context(page, stay_id, name)()
        errors = {field: _(message)}
        return page.render(f"pages/ward_action_{name}.html", {**context, "values": form, "errors": errors}, 422)
    if name == "discharge-ready" and form.get("confirmed") != "true":
        return await confirm_ready(page, stay_id)  # only the confirmation step's button sends the notice
    return await _perform(page, stay_id, name, form)
