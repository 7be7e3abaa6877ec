"""Finance (ekonomi): a month under an agreement, two agreements side by side, issuing the month's invoices after
a confirmation, the invoices' underlag as CSV and PDF, follow-up as a chart with its table, and the day amounts.
The rules are billing's (handbook §3, ADR 0008, 0016); these pages only show and ask."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from web.backends import NotFound, Refused
from web.i18n import STOCKHOLM, _
from web.pages import FinancePage, InvoiceReaderPage

router = APIRouter(include_in_schema=False)


def this_month() -> str:
    return datetime.now(UTC).astimezone(STOCKHOLM).strftime("%Y-%m")


async def _agreements(page: Any) -> list[dict[str, Any]]:
    return (await page.get("billing", "/agreements"))["items"]  # type: ignore[no-any-return]


def _default_agreement(agreements: list[dict[str, Any]]) -> str:
    in_force = [a["id"] for a in agreements if a["status"] == "in_force"]
    return in_force[0] if in_force else (agreements[0]["id"] if agreements else "")


async def _settlement(page: Any, agreement: str, period: str) -> tuple[dict[str, Any] | None, str | None]:
    """The month's settlement (what-if; nothing stored), or the rule that keeps it from being computed."""
    try:
        return await page.get("billing", "/settlements", agreement=agreement, period=period), None
    except Refused as refused:
        return None, words_of(refused)


def words_of(refused: Refused) -> str:
    """A refusal shown as a notice on a page without a form: the rule, or each field's."""
    return refused.rule or "; ".join(refused.fields.values())


def _total(settlement: dict[str, Any] | None) -> str | None:
    if not settlement:
        return None
    return str(sum((Decimal(m["amount_sek"]) for m in settlement["municipalities"]), Decimal(0)))


@router.get("/finance")
async def month(page: FinancePage, period: str = "", agreement: str = "") -> Response:
    agreements = await _agreements(page)
    period, agreement = period or this_month(), agreement or _default_agreement(agreements)
    settlement, problem = await _settlement(page, agreement, period)
    return page.render(
        "pages/finance_month.html",
        {
            "agreements": agreements,
            "values": {"period": period, "agreement": agreement},
            "settlement": settlement,
            "total": _total(settlement),
            "problem": problem,
        },
    )


@router.get("/finance/comparison")
async def comparison(page: FinancePage, period: str = "", first: str = "", second: str = "") -> Response:
    agreements = await _agreements(page)
    ids = [a["id"] for a in agreements]
    period = period or this_month()
    first = first or _default_agreement(agreements)
    second = second or next((i for i in ids if i != first), first)
    left, problem = await _settlement(page, first, period)
    right, other_problem = await _settlement(page, second, period)
    rows: list[dict[str, Any]] = []
    if left and right:
        by_kommun = {m["municipality"]: m for m in right["municipalities"]}
        for line in left["municipalities"]:
            other = by_kommun.get(line["municipality"], {"amount_sek": "0", "billable_days": "0"})
            difference = Decimal(other["amount_sek"]) - Decimal(line["amount_sek"])
            rows.append(
                {"municipality": line["municipality"], "first": line, "second": other, "difference": difference}
            )
    return page.render(
        "pages/finance_comparison.html",
        {
            "agreements": agreements,
            "values": {"period": period, "first": first, "second": second},
            "rows": rows,
            "totals": (_total(left), _total(right)),
            "problem": problem or other_problem,
        },
    )


@router.get("/finance/runs")
async def runs(page: FinancePage, kommunkod: str = "") -> Response:
    agreements = await _agreements(page)
    invoices = None
    if kommunkod:
        try:
            invoices = (await page.get("billing", f"/municipalities/{kommunkod}/invoices", limit=100))["items"]
        except (NotFound, Refused):
            invoices = []
    return page.render(
        "pages/finance_runs.html",
        {
            "agreements": agreements,
            "values": {"period": this_month(), "agreement": _default_agreement(agreements), "kommunkod": kommunkod},
            "in_force": [a for a in agreements if a["status"] == "in_force"],
            "invoices": invoices,
            "run": page.session.data.get("last_run"),
        },
    )


@router.post("/finance/runs/confirmation")
async def confirm_run(page: FinancePage, period: str = Form(""), agreement: str = Form("")) -> Response:
    """The confirmation step: what the run will invoice, before anything is issued."""
    settlement, problem = await _settlement(page, agreement, period)
    agreements = await _agreements(page)
    values = {"period": period, "agreement": agreement, "kommunkod": ""}
    if settlement is None:
        context = {"agreements": agreements, "values": values, "in_force": agreements, "invoices": None, "run": None}
        return page.render("pages/finance_runs.html", {**context, "rule": problem}, 422)
    billed = [m for m in settlement["municipalities"] if m["amount_sek"] not in ("0", "0.00")]
    return page.render(
        "pages/finance_run_confirmation.html",
        {"values": values, "settlement": settlement, "billed": billed, "total": _total(settlement)},
    )


@router.post("/finance/runs")
async def issue_invoices(page: FinancePage, period: str = Form(""), agreement: str = Form("")) -> Response:
    async def run() -> None:
        result = await page.send("billing", "POST", "/settlement-runs", {"agreement": agreement, "period": period})
        page.session.data["last_run"] = {
            "run_id": result["run_id"],
            "period": result["period"],
            "agreement": result["agreement"],
            "reused": result["reused"],
            "documents": result["documents"],
        }

    async def form_context() -> dict[str, Any]:
        agreements = await _agreements(page)
        return {"agreements": agreements, "in_force": agreements, "invoices": None, "run": None}

    return await page.act(
        run,
        done="/finance/runs",
        notice=_("The month's invoices are issued."),
        form="pages/finance_runs.html",
        context=form_context,
        values={"period": period, "agreement": agreement, "kommunkod": ""},
    )


@router.get("/finance/invoices/{invoice_id}/underlag.{kind}")
async def underlag(page: InvoiceReaderPage, invoice_id: str, kind: str) -> Response:
    """The invoice's specification (underlag) from billing, which decides who may read it."""
    if kind not in ("csv", "pdf"):
        raise NotFound
    answer = await page.backends.call(page.token, "billing", "GET", f"/invoices/{invoice_id}/specification.{kind}")
    media = "text/csv; charset=utf-8" if kind == "csv" else "application/pdf"
    filename = f"underlag-{invoice_id}.{kind}"
    return Response(
        answer.content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/finance/follow-up")
async def follow_up(page: FinancePage, agreement: str = "", start: str = "", end: str = "") -> Response:
    agreements = await _agreements(page)
    agreement = agreement or _default_agreement(agreements)
    end = end or this_month()
    start = start or f"{int(end[:4]) - 1}{end[4:]}"
    try:
        figures = await page.get("billing", "/follow-up", agreement=agreement, **{"from": start, "to": end})
        problem = None
    except Refused as refused:
        figures, problem = None, words_of(refused)
    return page.render(
        "pages/finance_follow_up.html",
        {
            "agreements": agreements,
            "values": {"agreement": agreement, "start": start, "end": end},
            "figures": figures,
            "problem": problem,
        },
    )


@router.get("/finance/follow-up.png")
async def follow_up_chart(page: FinancePage, agreement: str, start: str, end: str) -> Response:
    answer = await page.backends.call(
        page.token,
        "billing",
        "GET",
        "/follow-up",
        params={"agreement": agreement, "from": start, "to": end, "format": "png"},
    )
    return Response(answer.content, media_type="image/png")


@router.get("/finance/day-amounts")
async def day_amounts(page: FinancePage) -> Response:
    return page.render("pages/finance_day_amounts.html", await _day_amounts_context(page))


async def _day_amounts_context(page: Any) -> dict[str, Any]:
    return {"amounts": (await page.get("billing", "/day-amounts"))["items"]}


@router.post("/finance/day-amounts")
async def enter_day_amount(
    page: FinancePage, year: str = Form(""), amount_sek: str = Form(""), source: str = Form("")
) -> Response:
    values = {"year": year, "amount_sek": amount_sek, "source": source}
    body = {
        "year": year,
        "amount_sek": amount_sek.replace(" ", "").replace("\xa0", "").replace(",", "."),
        "source": source,
    }
    return await page.act(
        lambda: page.send("billing", "POST", "/day-amounts", body),
        done="/finance/day-amounts",
        notice=_("The day amount is entered."),
        form="pages/finance_day_amounts.html",
        context=lambda: _day_amounts_context(page),
        values=values,
    )
