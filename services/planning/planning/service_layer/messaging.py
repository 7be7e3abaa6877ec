"""The parties' messages (meddelanden) and their kvittens, each in the request's transaction (architecture §3): the
stay's row is locked first, so a stay's events keep commit order (ADR 0012); the domain decides who may write to
whom and who acknowledges what (`domain/message.py`, ADR 0014); the event goes to the outbox in the same
transaction and is itself the message the parties read."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.message_log import MessageLog
from planning.adapters.openings import StayOpenings
from planning.adapters.repository import StayRepository
from planning.adapters.tables import SUBJECT_MAX_LENGTH
from planning.domain.case import Acknowledgement, Case
from planning.domain.message import Party, WardAcknowledgement, addressed
from planning.domain.stay import PlannedStay, StayStatus
from planning.service_layer.published import acknowledged, acknowledged_by_ward, message_sent, publish


def parties(stay: PlannedStay) -> dict[str, str | None]:
    """The organisation of each party of the stay now: the ward that has it, the municipality, the vårdcentral."""
    return {"ward": stay.care_unit, "municipality": stay.municipality, "primary_care": stay.primary_care_unit}


async def send(
    session: AsyncSession,
    stay_id: str,
    sender: Party,
    subject: str,
    to: str | None,
    text: str,
    may_see: Callable[[PlannedStay], bool],
) -> str | None:
    """A meddelande from a party of the stay to all parties or one; its message id. None: no such stay, or not
    the sender's (its existence is not shown, ADR 0011)."""
    stay = await StayRepository(session).get(stay_id, lock=True)
    if stay is None or not may_see(stay):
        return None
    cancelled = stay.status is StayStatus.CANCELLED
    message = addressed(stay_id, parties(stay), sender, to, text, subject, datetime.now(UTC), cancelled)
    envelope = await publish(session, message_sent(message))
    await MessageLog(session).add(envelope, stay_id, sender, subject, to=message.to, text=message.text)
    return envelope.id


async def acknowledge(
    session: AsyncSession, case: Case, message_id: str, subject: str
) -> tuple[Acknowledgement, bool] | None:
    """Kvittens of one message by the case's receiver, by the person `subject`: (the kvittens, whether it is new);
    a second click is the same kvittens. None when the message is not the stay's or not one the receiver sees."""
    # The stay's row lock orders this kvittens' event after the stay's earlier ones (commit order, ADR 0012).
    await StayRepository(session).get(case.stay_id, lock=True)
    messages = MessageLog(session)
    header = await messages.header(message_id, case.stay_id)
    receiver = Party(case.receiver_kind, case.receiver_id)
    if header is None or not header.seen_by(receiver):
        return None
    header.check_acknowledgeable(receiver)
    earlier = await messages.acknowledgement(message_id, case.case_id)
    if earlier is not None:
        return earlier, False
    acknowledgement = case.acknowledge(message_id, datetime.now(UTC), subject[:SUBJECT_MAX_LENGTH])
    await messages.add_acknowledgement(acknowledgement)
    await publish(session, acknowledged(case, acknowledgement))
    return acknowledgement, True


async def acknowledge_by_ward(
    session: AsyncSession, stay_id: str, ward: str, message_id: str, subject: str
) -> tuple[WardAcknowledgement, bool] | None:
    """Kvittens by the ward side, by the person `subject` of ward `ward`: once per message (ADR 0014). None when
    the message is not the stay's or not one the ward sees. The caller has checked the ward may see the stay."""
    await StayRepository(session).get(stay_id, lock=True)
    messages = MessageLog(session)
    header = await messages.header(message_id, stay_id)
    party = Party("ward", ward)
    if header is None or not header.seen_by(party):
        return None
    header.check_acknowledgeable(party)
    earlier = await messages.ward_acknowledgement(message_id)
    if earlier is not None:
        return earlier, False
    acknowledgement = WardAcknowledgement(message_id, ward, datetime.now(UTC), subject[:SUBJECT_MAX_LENGTH])
    await messages.add_ward_acknowledgement(acknowledgement)
    await publish(session, acknowledged_by_ward(stay_id, acknowledgement))
    return acknowledgement, True


async def opened(session: AsyncSession, stay_id: str, subject: str, at: datetime) -> datetime | None:
    """The user opened the stay (ADR 0014): recorded, for what is new to them next time; when they had opened it
    before (None: never)."""
    return await StayOpenings(session).opened(stay_id, subject, at)
