"""The audit log of a stay (Patientdatalagen 4 kap. 3 §: access to patient data is logged and followed up), from
every service that holds the stay, merged by time. Each service decides who may read its log."""

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.backends import NotFound, Refused, Unavailable
from web.pages import LogReaderPage

router = APIRouter(include_in_schema=False)
SERVICES = ("admission", "planning", "discharge", "billing")


@router.get("/admin/audit")
async def audit(page: LogReaderPage, stay_id: str = "") -> Response:
    rows: list[dict[str, Any]] = []
    unavailable: list[str] = []
    errors: dict[str, str] = {}
    stay_id = stay_id.strip()
    if stay_id:

        async def one(service: str) -> list[dict[str, Any]]:
            try:
                entries = await page.get(service, "/audit", stay_id=stay_id, limit=500)  # type: ignore[arg-type]
            except (NotFound, Refused):
                return []
            except Unavailable:
                unavailable.append(service)
                return []
            return [{**entry, "service": service} for entry in entries]

        for found in await asyncio.gather(*(one(s) for s in SERVICES)):
            rows += found
        rows.sort(key=lambda r: str(r.get("at") or r.get("occurred_at") or ""), reverse=True)
    return page.render(
        "pages/admin_audit.html",
        {"values": {"stay_id": stay_id}, "rows": rows, "unavailable": unavailable, "errors": errors},
    )
