"""Follow-up (uppföljning, domain §4): ready days per municipality and month, the average against the threshold and
the long-stayers, as JSON or as a chart, so finance sees the trend without a separate tool."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from billing.entrypoints.deps import FOR_FINANCE, AgreementId, agreement_named, bounded, stays_in
from billing.entrypoints.schemas import PERIOD_PATTERN, UNPROCESSABLE, FollowUpOut, file_content
from billing.service_layer import views
from svu_shared.audit import note_stays
from svu_shared.deps import Runtime

router = APIRouter(tags=["settlement"], dependencies=FOR_FINANCE)


@router.get(
    "/follow-up",
    response_model=FollowUpOut,
    responses={200: {"content": file_content("image/png")}, **UNPROCESSABLE},
    summary="Ready days per municipality and month, long-stayers, average vs threshold (JSON or PNG)",
)
async def get_follow_up(
    agreement: AgreementId,
    first: Annotated[str, Query(alias="from", pattern=PERIOD_PATTERN)],
    last: Annotated[str, Query(alias="to", pattern=PERIOD_PATTERN)],
    runtime: Runtime,
    format: Annotated[str, Query(pattern="^(json|png)$")] = "json",
) -> Response | dict[str, Any]:
    chosen = agreement_named(agreement)
    bounded(first, last)
    async with runtime.sessions() as session:
        if format == "png":
            return Response(await views.follow_up_chart(session, chosen, first, last), media_type="image/png")
        report = await views.follow_up_report(session, chosen, first, last)
    note_stays(stays_in(report))
    return report
