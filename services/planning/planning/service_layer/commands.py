"""What planning's users do, each in the request's transaction (architecture §3): load the aggregate through its
repository, let the domain apply its rule and return the new state, save it, and publish its integration event in
the same transaction. A broken rule (`PlanRuleBroken`) leaves the transaction and is answered with 409 (ADR 0013).
The messages and their kvittens are `messaging.py`'s."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.message_log import MessageLog
from planning.adapters.repository import CaseRepository, StayRepository
from planning.adapters.tables import SUBJECT_MAX_LENGTH
from planning.domain.case import Case
from planning.domain.message import Party
from planning.domain.stay import PlannedStay, RecordKind, StayStatus
from planning.service_layer.published import case_changed, publish, recorded

# The planeringsunderlag is one record per receiver kind (ADR 0014).
PLANNING_INPUT = {"municipality": RecordKind.MUNICIPALITY_INPUT, "primary_care": RecordKind.PRIMARY_CARE_INPUT}


async def record(
    session: AsyncSession,
    stay_id: str,
    kind: RecordKind,
    content: dict[str, Any],
    by: Party,
    subject: str,
    may_see: Callable[[PlannedStay], bool],
) -> PlannedStay | None:
    """One planning record after its rule, with its event and message. None: no such stay, or not one the
    recorder takes part in (`may_see`, checked before the rule: its existence is not shown, ADR 0011)."""
    stays = StayRepository(session)
    stay = await stays.get(stay_id, lock=True)
    if stay is None or not may_see(stay):
        return None
    updated = stay.record(kind, {**content, "recorded_at": datetime.now(UTC), "recorded_by": by.org})
    await stays.save(updated)
    envelope = await publish(session, recorded(updated, kind))
    # The parties read a record as a message of the stay, from the recorder.
    await MessageLog(session).add(envelope, stay_id, by, subject)
    return updated


async def return_case(session: AsyncSession, case: Case, reason: str, subject: str) -> Case:
    """The receiver returns its misrouted case to the ward (ADR 0014): the case closes with `case_returned`, which
    the ward reads as a message to it."""
    stay, case = await _locked(session, case)
    returned = case.returned(datetime.now(UTC), reason, subject[:SUBJECT_MAX_LENGTH])
    await CaseRepository(session).save(returned, stay)
    envelope = await publish(session, case_changed(returned))
    receiver = Party(case.receiver_kind, case.receiver_id)
    await MessageLog(session).add(
        envelope, case.stay_id, receiver, subject, to=Party("ward", stay.care_unit), text=returned.closed_reason
    )
    return returned


async def close_case(session: AsyncSession, case: Case, reason: str | None, subject: str) -> Case:
    """Avsluta ärende: the receiver closes its case after the patient's discharge (ADR 0014)."""
    stay, case = await _locked(session, case)
    discharged = stay.status is StayStatus.DISCHARGED
    closed = case.closed_by_receiver(discharged, datetime.now(UTC), reason, subject[:SUBJECT_MAX_LENGTH])
    await CaseRepository(session).save(closed, stay)
    await publish(session, case_changed(closed))
    return closed


async def _locked(session: AsyncSession, case: Case) -> tuple[PlannedStay, Case]:
    """The case's stay with its row locked (a stay's events keep commit order, ADR 0012), and the case as it is
    now: a concurrent request may have closed it since it was read."""
    stay = await StayRepository(session).get(case.stay_id, lock=True)
    now = await CaseRepository(session).get(case.case_id)
    assert stay is not None and now is not None
    return stay, now
