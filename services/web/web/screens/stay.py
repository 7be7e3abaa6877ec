"""The page of one stay, for every party (ward, municipality, vårdcentral): where the process stands, what is due and
by whom, the cases, the plan's records and the whole timeline with each message's kvittens ("Kvitterad av … kl …"),
which refreshes live. On it each party acknowledges messages (one, or all at once), writes a meddelande, and
reaches its own forms, each on a page of its own (GET the form, POST the act, back to the stay):

- the municipality: Ställningstagande inför utskrivning, Planeringsunderlag, return a misrouted case, Avsluta ärende;
- the vårdcentral: Fast vårdkontakt, Planeringsunderlag, Ställningstagande till SIP, Kallelse till SIP, SIP;
- the ward: its forms come from the ward screens (`partials/ward_stay_actions.html`).

Finance and administration have no stays here: the same "not found" as for a stay that does not exist."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from svu_shared.deps import ID_PATTERN
from web.backends import NotFound, Refused
from web.i18n import N_, TRANSLATIONS, _
from web.pages import Page, ReceiverPage, StayPage

router = APIRouter(include_in_schema=False)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ngettext = TRANSLATIONS.ngettext
StayId = Path(pattern=ID_PATTERN)
Form = dict[str, str]

# How many rows a list field of a form has (empty rows are dropped when it is sent).
ROWS = {"participants": 5, "goals": 3, "relatives": 2, "invitees": 5, "current_support": 3, "proposals": 3}
ACTION_ROWS = 3
SIP_DEADLINE_DAYS = 3  # Kallelse till SIP within 3 days of the discharge-ready notice (domain §2)


# --- Form values ↔ the service's JSON (pure: services/web/tests/test_stay_forms.py) ------------------------------


def text(form: Form, name: str) -> str | None:
    """A text field: None when left empty (the service's optional fields take null)."""
    value = (form.get(name) or "").strip()
    return value or None


def choice(form: Form, name: str) -> bool | None:
    """A yes/no radio: None when neither is chosen (the service then says the field is required)."""
    return {"true": True, "false": False}.get(form.get(name) or "")


def ticked(form: Form, name: str) -> bool:
    return form.get(name) in ("true", "on")


def items(form: Form, name: str) -> list[str]:
    """A list field's rows `name.0`, `name.1`, …: the filled ones, in order."""
    return [v for i in range(ROWS[name]) if (v := text(form, f"{name}.{i}"))]


def actions(form: Form) -> list[dict[str, str | None]]:
    """The SIP's actions, rows `actions.N.what/who/by`: a row with anything in it is sent, an empty one dropped."""
    found = []
    for i in range(ACTION_ROWS):
        row = {part: text(form, f"actions.{i}.{part}") for part in ("what", "who", "by")}
        if any(row.values()):
            found.append(row)
    return found


def compacted(form: Form) -> Form:
    """The form as it is sent: list rows renumbered without the empty ones, so a 422 on `goals.1` lands beside the
    second goal shown again."""
    values = {k: v for k, v in form.items() if k.split(".")[0] not in (*ROWS, "actions")}
    for name in ROWS:
        values |= {f"{name}.{i}": v for i, v in enumerate(items(form, name))}
    for i, row in enumerate(actions(form)):
        values |= {f"actions.{i}.{part}": v for part, v in row.items() if v}
    return values


def moment(value: str | None) -> str | None:
    """A `datetime-local` value (Stockholm's wall clock) as an aware ISO datetime; anything else as it came, for the
    service to judge."""
    if not value:
        return None
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (local if local.tzinfo else local.replace(tzinfo=STOCKHOLM)).isoformat()


def local_input(value: str | None) -> str:
    """An aware datetime from a service as a `datetime-local` value in Stockholm."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


def flattened(record: dict[str, Any] | None, prefix: str = "") -> Form:
    """A record the service keeps, as the form's values (`goals.0`, `actions.0.what`, booleans as "true"/"false")."""
    values: Form = {}
    for key, value in (record or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            values |= flattened(value, f"{name}.")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                values |= flattened(item, f"{name}.{i}.") if isinstance(item, dict) else {f"{name}.{i}": str(item)}
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        elif value is not None:
            values[name] = str(value)
    return values


def receiving_decision_body(form: Form) -> dict[str, Any]:
    return {
        "can_receive": choice(form, "can_receive"),
        "from_date": text(form, "from_date"),
        "comment": text(form, "comment"),
    }


def planning_input_body(form: Form) -> dict[str, Any]:
    return {
        "summary": text(form, "summary"),
        "current_support": items(form, "current_support"),
        "proposals": items(form, "proposals"),
    }


def care_contact_body(form: Form) -> dict[str, Any]:
    return {"name": text(form, "name"), "care_unit": text(form, "care_unit"), "phone": text(form, "phone")}


def sip_decision_body(form: Form) -> dict[str, Any]:
    return {"sip_needed": choice(form, "sip_needed"), "reason": text(form, "reason")}


def sip_invitation_body(form: Form) -> dict[str, Any]:
    return {"meeting_at": moment(text(form, "meeting_at")), "invitees": items(form, "invitees")}


def sip_body(form: Form) -> dict[str, Any]:
    return {
        "participants": items(form, "participants"),
        "goals": items(form, "goals"),
        "actions": actions(form),
        "patient_consent": ticked(form, "patient_consent"),
        "patient_participated": ticked(form, "patient_participated"),
        "relatives": items(form, "relatives"),
        "follow_up_date": text(form, "follow_up_date"),
    }


def reason_body(form: Form) -> dict[str, Any]:
    return {"reason": text(form, "reason")}


def placed(refused: Refused, names: list[str]) -> Refused:
    """A 422 on the whole body (a rule across fields, `loc` empty) beside the field it names first, else in the
    error summary as the rule."""
    whole = refused.fields.pop("_", None)
    if whole is None:
        return refused
    found = [(m.start(), n) for n in names if (m := re.search(rf"\b{re.escape(n)}\b", whole))]
    named = min(found)[1] if found else None
    if named:
        refused.fields.setdefault(named, whole)
    else:
        refused.rule = "; ".join(filter(None, (refused.rule, whole)))
    return refused


def sip_days_left(sip_due_at: str | None, now: datetime | None = None) -> int | None:
    """Whole days left until the SIP invitation's deadline (0: due today or later today; negative: overdue)."""
    if not sip_due_at:
        return None
    due = datetime.fromisoformat(sip_due_at)
    today = (now or datetime.now(UTC)).astimezone(STOCKHOLM).date()
    return (due.astimezone(STOCKHOLM).date() - today).days


def acknowledgeable(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages the caller's party still has to acknowledge: another party's, without its kvittens."""
    return [m for m in messages if not m.get("own") and not m.get("acknowledged_at")]


def own_case(cases: list[dict[str, Any]], role: str, org: str) -> dict[str, Any] | None:
    """The caller's own case of the stay (a receiver's): the open one, else the latest."""
    mine = [c for c in cases if (c.get("receiver_kind"), c.get("receiver_id")) == (role, org)]
    mine.sort(key=lambda c: (c.get("closed_at") is None, c.get("opened_at") or ""), reverse=True)
    return mine[0] if mine else None


# --- Reading the stay ----------------------------------------------------------------------------------------------

EVENT_WORDS = {
    "notice_sent": N_("Admission notice"),
    "notice_corrected": N_("Admission notice corrected"),
    "notice_cancelled": N_("Admission notice cancelled"),
    "patient_transferred": N_("Patient transferred"),
    "process_interrupted": N_("Process interrupted"),
    "ready_notified": N_("Discharge-ready notice"),
    "ready_withdrawn": N_("Discharge-ready withdrawn"),
    "ready_backdated": N_("Discharge-ready notice backdated"),
    "estimated_date_changed": N_("Estimated discharge date changed"),
    "information_sent": N_("Information at discharge"),
    "patient_discharged": N_("Discharged"),
    "case_opened": N_("Case opened"),
    "case_closed": N_("Case closed"),
    "case_returned": N_("Case returned"),
    "message_sent": N_("Message"),
    "care_contact_assigned": N_("Named care contact"),
    "assessment_recorded": N_("Assessment"),
    "sip_decided": N_("Decision on SIP"),
    "sip_invitation_sent": N_("SIP invitation"),
    "sip_agreed": N_("SIP agreed"),
    "planning_input_recorded": N_("Input to planning"),
    "receiving_decided": N_("Decision before discharge"),
}


def event_name(message_type: str) -> str:
    """se.svu.planning.sip_agreed.v1 → its words (a message id), or the type itself for one not known here."""
    parts = message_type.split(".")
    return EVENT_WORDS.get(parts[-2] if len(parts) >= 2 else message_type, message_type)


async def stay_detail(page: Page, stay_id: str) -> dict[str, Any]:
    return await page.get("planning", f"/stays/{quote(stay_id, safe='')}")  # type: ignore[no-any-return]


async def timeline(page: Page, stay_id: str, case_id: str | None) -> dict[str, Any]:
    """The timeline's context: the messages as the caller's party sees them, each with its words, and which the
    party may acknowledge."""
    messages = await page.get("planning", f"/stays/{quote(stay_id, safe='')}/messages")
    for message in messages:
        message["name"] = event_name(str(message.get("type", "")))
    open_ones = acknowledgeable(messages)
    return {
        "messages": messages,
        "to_acknowledge": {m["message_id"] for m in open_ones},
        "may_acknowledge": page.session.role == "ward" or case_id is not None,
        "stay_id": stay_id,
    }


async def stay_context(page: Page, stay_id: str) -> dict[str, Any]:
    stay = await stay_detail(page, stay_id)
    case = own_case(stay.get("cases") or [], page.session.role, page.session.org)
    return {
        "stay": stay,
        "case": case,
        "sip_days_left": sip_days_left(stay.get("sip_due_at")),
        "forms": [f for f in FORMS.values() if page.session.role in f.roles and f.available(stay, case)],
        **await timeline(page, stay_id, case["case_id"] if case else None),
    }


@router.get("/cases/{case_id}")
async def case(page: ReceiverPage, case_id: str = Path(max_length=200)) -> Response:
    """A case's address (in notifications, the inbox of old) leads to its stay."""
    found = await page.get("planning", f"/cases/{quote(case_id, safe='')}")
    return RedirectResponse(f"/stays/{quote(str(found['stay_id']), safe='')}", status_code=303)


@router.get("/stays/{stay_id}")
async def stay(page: StayPage, stay_id: str = StayId) -> Response:
    return page.render("pages/stay_page.html", await stay_context(page, stay_id))


@router.get("/stays/{stay_id}/timeline")
async def stay_timeline(page: StayPage, stay_id: str = StayId) -> Response:
    """The timeline alone, as the page refreshes it live (it does not count as opening the stay)."""
    case_id = None
    if page.session.role != "ward":
        cases = await page.get("planning", "/cases", stay_id=stay_id, limit=10)
        mine = own_case(cases.get("items") or [], page.session.role, page.session.org)
        case_id = mine["case_id"] if mine else None
    return page.render("partials/stay_timeline.html", await timeline(page, stay_id, case_id))


# --- Acting on the stay's page ---------------------------------------------------------------------------------


async def _acknowledge_one(page: Page, stay_id: str, case_id: str | None, message_id: str) -> None:
    mid = quote(message_id, safe="")
    if page.session.role == "ward":
        await page.send("planning", "POST", f"/stays/{quote(stay_id, safe='')}/messages/{mid}/acknowledgement")
    elif case_id:
        await page.send("planning", "POST", f"/cases/{quote(case_id, safe='')}/messages/{mid}/acknowledgement")
    else:
        raise NotFound


async def _acted(page: Page, stay_id: str, action: Callable[[], Awaitable[Any]], notice: str, values: Form) -> Response:
    return await page.act(
        action,
        done=f"/stays/{quote(stay_id, safe='')}#timeline",
        notice=notice,
        form="pages/stay_page.html",
        context=lambda: stay_context(page, stay_id),
        values=values,
    )


@router.post("/stays/{stay_id}/messages/{message_id}/acknowledgement")
async def acknowledge(page: StayPage, stay_id: str = StayId, message_id: str = Path(max_length=64)) -> Response:
    stay = await stay_detail(page, stay_id)
    case = own_case(stay.get("cases") or [], page.session.role, page.session.org)
    action = lambda: _acknowledge_one(page, stay_id, case["case_id"] if case else None, message_id)  # noqa: E731
    return await _acted(page, stay_id, action, _("The message is acknowledged."), {})


@router.post("/stays/{stay_id}/acknowledgements")
async def acknowledge_all(page: StayPage, stay_id: str = StayId) -> Response:
    """Kvittera alla: every message the party has not acknowledged, one by one (the service takes them singly)."""
    context = await stay_context(page, stay_id)
    case_id = context["case"]["case_id"] if context["case"] else None

    async def every() -> None:
        for message_id in sorted(context["to_acknowledge"]):
            await _acknowledge_one(page, stay_id, case_id, message_id)

    count = len(context["to_acknowledge"])
    notice = ngettext("%(num)d message acknowledged.", "%(num)d messages acknowledged.", count) % {"num": count}
    return await _acted(page, stay_id, every, notice, {})


# --- The forms, one page each ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StayForm:
    """One form of the stay: who fills it in, its page, how its values become the service's body, where it goes."""

    slug: str
    title: str  # a message id
    roles: tuple[str, ...]
    body: Callable[[Form], dict[str, Any]]
    method: str
    target: str  # "stay" (planning /stays/{id}/<path>) or "case" (/cases/{case}/<path>)
    path: str
    notice: str  # a message id
    record: str | None = None  # the StayDetail field the form starts from
    needs_open_case: bool = False

    def available(self, stay: dict[str, Any], case: dict[str, Any] | None) -> bool:
        if self.target == "case" and case is None:
            return False
        return not self.needs_open_case or (case is not None and case.get("closed_at") is None)


FORMS: dict[str, StayForm] = {
    f.slug: f
    for f in (
        StayForm(
            "receiving-decision",
            N_("Decision before discharge"),
            ("municipality",),
            receiving_decision_body,
            "PUT",
            "stay",
            "receiving-decision",
            N_("The decision before discharge is sent."),
            "receiving_decision",
        ),
        StayForm(
            "care-contact",
            N_("Named care contact"),
            ("primary_care",),
            care_contact_body,
            "PUT",
            "stay",
            "care-contact",
            N_("The named care contact is sent."),
            "care_contact",
        ),
        StayForm(
            "planning-input",
            N_("Input to planning"),
            ("municipality", "primary_care"),
            planning_input_body,
            "PUT",
            "stay",
            "planning-input",
            N_("The input to planning is sent."),
            None,
        ),
        StayForm(
            "sip-decision",
            N_("Decision on SIP"),
            ("primary_care",),
            sip_decision_body,
            "PUT",
            "stay",
            "sip-decision",
            N_("The decision on SIP is sent."),
            "sip_decision",
        ),
        StayForm(
            "sip-invitation",
            N_("SIP invitation"),
            ("primary_care",),
            sip_invitation_body,
            "PUT",
            "stay",
            "sip-invitation",
            N_("The SIP invitation is sent."),
            "sip_invitation",
        ),
        StayForm("sip", N_("SIP"), ("primary_care",), sip_body, "PUT", "stay", "sip", N_("The SIP is sent."), "sip"),
        StayForm(
            "return",
            N_("Return a misrouted case"),
            ("municipality", "primary_care"),
            reason_body,
            "POST",
            "case",
            "return",
            N_("The case is returned to the ward."),
            needs_open_case=True,
        ),
        StayForm(
            "closing",
            N_("Close the case"),
            ("municipality", "primary_care"),
            reason_body,
            "POST",
            "case",
            "closing",
            N_("The case is closed."),
            needs_open_case=True,
        ),
    )
}


def starting_values(form: StayForm, stay: dict[str, Any], role: str, org: str) -> Form:
    """What a form shows first: the record as the service keeps it, or sensible empty values."""
    record = stay.get(form.record) if form.record else None
    if form.slug == "planning-input":
        record = stay.get("municipality_input" if role == "municipality" else "primary_care_input")
    values = flattened(record)
    if form.slug == "care-contact" and "care_unit" not in values:
        values["care_unit"] = org
    if form.slug == "sip-invitation" and values.get("meeting_at"):
        values["meeting_at"] = local_input(values["meeting_at"])
    return values


async def _form_context(page: Page, form: StayForm, stay_id: str) -> dict[str, Any]:
    stay = await stay_detail(page, stay_id)
    case = own_case(stay.get("cases") or [], page.session.role, page.session.org)
    if page.session.role not in form.roles or not form.available(stay, case):
        raise NotFound
    return {
        "stay": stay,
        "case": case,
        "form": form,
        "sip_days_left": sip_days_left(stay.get("sip_due_at")),
        "rows": ROWS,
        "action_rows": ACTION_ROWS,
    }


@router.get("/stays/{stay_id}/message")
async def message_form(page: StayPage, stay_id: str = StayId) -> Response:
    stay = await stay_detail(page, stay_id)
    return page.render("pages/stay_message.html", {"stay": stay, "values": {"to": "all"}})


@router.post("/stays/{stay_id}/message")
async def send_message(page: StayPage, request: Request, stay_id: str = StayId) -> Response:
    values = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    body = {"text": text(values, "text"), "to": values.get("to") or "all"}

    async def context() -> dict[str, Any]:
        return {"stay": await stay_detail(page, stay_id)}

    return await page.act(
        lambda: page.send("planning", "POST", f"/stays/{quote(stay_id, safe='')}/messages", body),
        done=f"/stays/{quote(stay_id, safe='')}#timeline",
        notice=_("The message is sent."),
        form="pages/stay_message.html",
        context=context,
        values=values,
    )


async def form_page(page: Page, slug: str, stay_id: str) -> Response:
    form = FORMS[slug]
    context = await _form_context(page, form, stay_id)
    values = starting_values(form, context["stay"], page.session.role, page.session.org)
    return page.render(f"pages/stay_{form.slug.replace('-', '_')}.html", {**context, "values": values})


async def form_act(page: Page, request: Request, slug: str, stay_id: str) -> Response:
    form = FORMS[slug]
    context = await _form_context(page, form, stay_id)
    values = compacted({k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"})
    body = form.body(values)
    if form.target == "case":
        path = f"/cases/{quote(context['case']['case_id'], safe='')}/{form.path}"
    else:
        path = f"/stays/{quote(stay_id, safe='')}/{form.path}"

    async def shown() -> dict[str, Any]:
        return context

    async def send() -> None:
        try:
            await page.send("planning", form.method, path, body)
        except Refused as refused:
            raise placed(refused, list(body)) from None

    return await page.act(
        send,
        done=f"/stays/{quote(stay_id, safe='')}",
        notice=_(form.notice),
        form=f"pages/stay_{form.slug.replace('-', '_')}.html",
        context=shown,
        values=values,
    )


def _form_routes(slug: str) -> None:
    """GET /stays/{id}/<slug> shows the form, POST acts and goes back to the stay."""

    async def show(page: StayPage, stay_id: str = StayId) -> Response:
        return await form_page(page, slug, stay_id)

    async def act(page: StayPage, request: Request, stay_id: str = StayId) -> Response:
        return await form_act(page, request, slug, stay_id)

    router.add_api_route(f"/stays/{{stay_id}}/{slug}", show, methods=["GET"], name=f"stay_form_{slug}")
    router.add_api_route(f"/stays/{{stay_id}}/{slug}", act, methods=["POST"], name=f"stay_act_{slug}")


for _slug in FORMS:
    _form_routes(_slug)
