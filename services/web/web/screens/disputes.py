"""Invoices and disputes (Bestrida, ADR 0016): the municipality sees the invoices addressed to it, downloads each
underlag and disputes a stay's days with a reason; finance sees the disputes and accepts (the next run of the month
credits the stay) or rejects them with a reason. Billing decides who may do what."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import Response

from web.backends import Refused
from web.i18n import _
from web.pages import FinancePage, MunicipalityPage, Page

router = APIRouter(include_in_schema=False)


async def _invoices_context(page: Page) -> dict[str, Any]:
    invoices = await page.get("billing", f"/municipalities/{page.session.org}/invoices", limit=100)
    disputes = await page.get("billing", "/disputes", municipality=page.session.org, limit=100)
    return {"invoices": invoices["items"], "disputes": disputes["items"]}


@router.get("/invoices")
async def invoices(page: MunicipalityPage) -> Response:
    return page.render("pages/disputes_invoices.html", await _invoices_context(page))


@router.post("/invoices/disputes")
async def dispute(
    page: MunicipalityPage, invoice_id: str = Form(""), stay_id: str = Form(""), reason: str = Form("")
) -> Response:
    values = {"invoice_id": invoice_id, "stay_id": stay_id.strip(), "reason": reason}
    body = {"stay_id": stay_id.strip(), "reason": reason}

    async def send() -> None:
        if not invoice_id:
            raise Refused(422, fields={"invoice_id": _("Choose the invoice the stay is on")})
        await page.send("billing", "POST", f"/invoices/{quote(invoice_id, safe='')}/disputes", body)

    return await page.act(
        send,
        done="/invoices",
        notice=_("The dispute has been sent to the region's finance office."),
        form="pages/disputes_invoices.html",
        context=lambda: _invoices_context(page),
        values=values,
    )


async def _disputes_context(page: Page) -> dict[str, Any]:
    return {"disputes": (await page.get("billing", "/disputes", limit=200))["items"]}


@router.get("/finance/disputes")
async def disputes(page: FinancePage) -> Response:
    return page.render("pages/disputes_finance.html", await _disputes_context(page))


@router.post("/finance/disputes/{dispute_id}/acceptance")
async def accept(page: FinancePage, dispute_id: str) -> Response:
    return await page.act(
        lambda: page.send("billing", "POST", f"/disputes/{quote(dispute_id, safe='')}/acceptance", {}),
        done="/finance/disputes",
        notice=_("The dispute is accepted: the next run of the month credits the stay."),
        form="pages/disputes_finance.html",
        context=lambda: _disputes_context(page),
        values={},
    )


@router.post("/finance/disputes/{dispute_id}/rejection")
async def reject(page: FinancePage, dispute_id: str, reason: str = Form("")) -> Response:
    return await page.act(
        lambda: page.send("billing", "POST", f"/disputes/{quote(dispute_id, safe='')}/rejection", {"reason": reason}),
        done="/finance/disputes",
        notice=_("The dispute is rejected; the municipality sees the reason."),
        form="pages/disputes_finance.html",
        context=lambda: _disputes_context(page),
        values={"dispute_id": dispute_id, "reason": reason},
    )
