"""What planning's users do, each in the request's transaction (architecture §3): load the aggregate through its
repository, let the domain apply its rule and return the new state, save it, and publish its integration event in
the same transaction. A broken rule (`PlanRuleBroken`) leaves the transaction and is answered with 409 (ADR 0013)."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.message_log import MessageLog
from planning.adapters.repository import StayRepository
from planning.domain.case import Acknowledgement, Case
from planning.domain.stay import PlannedStay, RecordKind
from planning.service_layer.published import acknowledged, publish, recorded


async def record(
    session: AsyncSession,
    stay_id: str,
    kind: RecordKind,
    content: dict[str, Any],
    by: str,
    may_see: Callable[[PlannedStay], bool],
) -> PlannedStay | None:
    """One planning record after its rule, with its event and message. None: no such stay, or not one the
    recorder takes part in (`may_see`, checked before the rule: its existence is not shown, ADR 0011)."""
    stays = StayRepository(session)
    stay = await stays.get(stay_id, lock=True)
    if stay is None or not may_see(stay):
        return None
    updated = stay.record(kind, {**content, "recorded_at": datetime.now(UTC), "recorded_by": by})
    await stays.save(updated)
    envelope = await publish(session, recorded(updated, kind))
    await MessageLog(session).add(envelope, stay_id)  # the receivers read a record as a message of the stay
    return updated


async def acknowledge(session: AsyncSession, case: Case, message_id: str) -> tuple[Acknowledgement, bool] | None:
    """Kvittens of one message by the case's receiver: (the kvittens, whether it is new); a second click is the
    same kvittens. None when the message is not the stay's."""
    # The stay's row lock orders this kvittens' event after the stay's earlier ones (commit order, ADR 0012).
    await StayRepository(session).get(case.stay_id, lock=True)
    messages = MessageLog(session)
    if not await messages.is_of_stay(message_id, case.stay_id):
        return None
    earlier = await messages.acknowledgement(message_id, case.case_id)
    if earlier is not None:
        return earlier, False
    acknowledgement = case.acknowledge(message_id, datetime.now(UTC))
    await messages.add_acknowledgement(acknowledgement)
    await publish(session, acknowledged(case, acknowledgement))
    return acknowledgement, True
