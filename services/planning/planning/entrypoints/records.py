"""The plan's records, one PUT each (domain §2): a record is kept current, so a PUT replaces it and publishes it as
a new event. The body is the record's content as the event carries it, with unknown fields refused (a typo must not
vanish). A broken process rule is answered with 409 in the rule's words (ADR 0013)."""

from datetime import UTC, datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict

from planning.domain.stay import RecordKind
from planning.entrypoints.deps import CLINICAL, Receiver, may_act, party
from planning.entrypoints.schemas import CONFLICT, StayDetail
from planning.service_layer import commands, views
from svu_shared.auth import Principal
from svu_shared.contracts.planning import (
    AssessmentContent,
    CareContactContent,
    PlanningInputContent,
    ReceivingDecisionContent,
    SipContent,
    SipDecisionContent,
    SipInvitationContent,
)
from svu_shared.deps import ReadableSince, Runtime, StayIdPath, role
from svu_shared.runtime import ServiceRuntime

router = APIRouter(tags=["planning"])

# Who records what (domain §1-2, ADR 0011): primary care names the care contact, the ward keeps the assessment, the
# municipality decides whether it can receive the patient; the SIP steps are made together; each receiver gives its
# own planeringsunderlag (ADR 0014).
RECORDED_BY: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CARE_CONTACT: ("primary_care",),
    RecordKind.ASSESSMENT: ("ward",),
    RecordKind.MUNICIPALITY_INPUT: ("municipality",),
    RecordKind.PRIMARY_CARE_INPUT: ("primary_care",),
    RecordKind.SIP_DECISION: CLINICAL,
    RecordKind.SIP_INVITATION: CLINICAL,
    RecordKind.SIP: CLINICAL,
    RecordKind.RECEIVING_DECISION: ("municipality",),
}

RECORDS: tuple[tuple[str, RecordKind, type[BaseModel], str], ...] = (
    ("care-contact", RecordKind.CARE_CONTACT, CareContactContent, "Fast vårdkontakt, named by primary care"),
    ("assessment", RecordKind.ASSESSMENT, AssessmentContent, "Kartläggning, kept current while admitted"),
    ("sip-decision", RecordKind.SIP_DECISION, SipDecisionContent, "Ställningstagande till SIP, before discharge"),
    (
        "sip-invitation",
        RecordKind.SIP_INVITATION,
        SipInvitationContent,
        "Kallelse till SIP, due within 3 days of the discharge-ready notice (the first one sent counts)",
    ),
    ("sip", RecordKind.SIP, SipContent, "The SIP: participants, goals, actions (who, by when), consent"),
    (
        "receiving-decision",
        RecordKind.RECEIVING_DECISION,
        ReceivingDecisionContent,
        "Ställningstagande inför utskrivning: can the municipality receive the patient, and from when",
    ),
)


async def _record(
    runtime: ServiceRuntime,
    caller: Principal,
    since: datetime,
    stay_id: str,
    kind: RecordKind,
    body: BaseModel,
    **extra: str,
) -> StayDetail:
    async with runtime.transaction() as session:
        stay = await commands.record(
            session,
            stay_id,
            kind,
            {**body.model_dump(mode="json"), **extra},
            by=party(caller),
            subject=caller.subject,
            may_see=partial(may_act, caller, since, f"records the {kind.value}"),
        )
        if stay is None:
            raise HTTPException(404, "no such stay")
        cases = await views.stay_cases(session, [stay_id])
    return StayDetail.of(stay, datetime.now(UTC), cases[stay_id])


def _record_route(path: str, kind: RecordKind, content: type[BaseModel], summary: str) -> None:
    body_model = type(f"{content.__name__}In", (content,), {"model_config": ConfigDict(extra="forbid")})
    Recorder = Annotated[Principal, Depends(role(*RECORDED_BY[kind]))]

    async def put_record(
        body: body_model,  # type: ignore[valid-type]
        stay_id: StayIdPath,
        caller: Recorder,
        runtime: Runtime,
        since: ReadableSince,
    ) -> StayDetail:
        return await _record(runtime, caller, since, stay_id, kind, body)

    router.add_api_route(
        f"/stays/{{stay_id}}/{path}",
        put_record,
        methods=["PUT"],
        response_model=StayDetail,
        responses=CONFLICT,
        summary=summary,
        name=f"put_{kind.value}",
    )


for record in RECORDS:
    _record_route(*record)


class PlanningInputIn(PlanningInputContent):
    model_config = ConfigDict(extra="forbid")


@router.put("/stays/{stay_id}/planning-input", response_model=StayDetail, responses=CONFLICT)
async def put_planning_input(
    body: PlanningInputIn, stay_id: StayIdPath, caller: Receiver, runtime: Runtime, since: ReadableSince
) -> StayDetail:
    """Planeringsunderlag: the municipality's or the vårdcentral's input to planning (the caller's own record, by
    its role), kept current while admitted and shown next to the ward's kartläggning."""
    kind = commands.PLANNING_INPUT[caller.role]
    return await _record(runtime, caller, since, stay_id, kind, body, receiver_kind=caller.role)
