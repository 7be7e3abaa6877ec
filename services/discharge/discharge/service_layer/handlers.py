"""Use cases of the discharge service.

A ward's record loads the stay's timeline through its repository, lets the domain decide (a broken rule raises
`DischargeRuleBroken`, a 409), saves the new timeline and turns what happened into its integration event in the same
transaction (the outbox, architecture §3; ADR 0013). It answers None when there is no such stay, not one the ward
takes part in (`may_see`, checked before the rule: its existence is not shown), or the admission notice that says who
takes part has not reached this service yet (ADR 0011).

The admission events this service follows change the timeline and publish nothing: one small handler per event
class, in the one table the runtime subscribes from (`HANDLERS`).
"""

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from discharge.adapters.repository import TimelineRepository
from discharge.adapters.tables import messaging
from discharge.domain.timeline import DischargeTimeline
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeSent,
    AdmissionNoticeSentV2,
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    IntegrationEvent,
    PatientDischarged,
    PatientTransferred,
)
from svu_shared.contracts.admission import ProcessInterrupted
from svu_shared.contracts.discharge import Destination, DischargeReadyBackdated
from svu_shared.envelope import CloudEvent
from svu_shared.inbox import Handlers
from svu_shared.outbox import add_to_outbox

MaySee = Callable[[DischargeTimeline], bool]


# --- a ward's records ---


async def notify_ready(
    session: AsyncSession, stay_id: str, judged_at: datetime, received_at: datetime, may_see: MaySee
) -> DischargeTimeline | None:
    """Underrättelse om utskrivningsklar: its send time, the server's time of receipt, starts the payment clock
    (domain §2)."""
    return await _record(
        session,
        stay_id,
        may_see,
        lambda t: t.notify_ready(judged_at, received_at),
        lambda _: DischargeReadyNotified(stay_id=stay_id, judged_at=judged_at, sent_at=received_at),
    )


async def backdate_ready(
    session: AsyncSession, stay_id: str, sent_at: datetime, reason: str, now: datetime, may_see: MaySee
) -> DischargeTimeline | None:
    """Rättelse av sändningstid: the latest period's notice was sent earlier, on paper (ADR 0015). Every party gets
    the earlier time with the receipt time of the notice it corrects; billing counts from it."""

    def backdated(t: DischargeTimeline) -> DischargeReadyBackdated:
        assert t.ready_received_at is not None  # the timeline refuses a backdating without a notice
        return DischargeReadyBackdated(
            stay_id=stay_id, sent_at=sent_at, received_at=t.ready_received_at, reason=reason, corrected_at=now
        )

    return await _record(session, stay_id, may_see, lambda t: t.backdate(sent_at, reason, now), backdated)


async def withdraw_ready(
    session: AsyncSession, stay_id: str, reason: str, at: datetime, may_see: MaySee
) -> DischargeTimeline | None:
    """Återkallelse: the patient's condition changed; a new notice opens a new ready period."""
    return await _record(
        session,
        stay_id,
        may_see,
        lambda t: t.withdraw(at),
        lambda _: DischargeReadyWithdrawn(stay_id=stay_id, withdrawn_at=at, reason=reason),
    )


async def change_estimated_date(
    session: AsyncSession, stay_id: str, estimated: date, at: datetime, may_see: MaySee
) -> DischargeTimeline | None:
    """Beräknat utskrivningsdatum: told to all as soon as it changes (domain §2)."""
    return await _record(
        session,
        stay_id,
        may_see,
        lambda t: t.estimate(estimated),
        lambda _: EstimatedDischargeDateChanged(stay_id=stay_id, estimated_discharge_date=estimated, changed_at=at),
    )


async def send_information(
    session: AsyncSession,
    stay_id: str,
    epicrisis_sent_at: datetime | None,
    medication_list_sent_at: datetime | None,
    may_see: MaySee,
) -> DischargeTimeline | None:
    """Information vid utskrivning: when each document was sent, no later than the day of discharge (domain §2)."""
    return await _record(
        session,
        stay_id,
        may_see,
        lambda t: t.information_sent(epicrisis_sent_at, medication_list_sent_at),
        lambda _: DischargeInformationSent(
            stay_id=stay_id, epicrisis_sent_at=epicrisis_sent_at, medication_list_sent_at=medication_list_sent_at
        ),
    )


async def discharge_patient(
    session: AsyncSession, stay_id: str, discharged_at: datetime, destination: Destination, may_see: MaySee
) -> DischargeTimeline | None:
    """Utskrivning with its destination; a stay has one discharge."""
    return await _record(
        session,
        stay_id,
        may_see,
        lambda t: t.discharge(discharged_at, destination),
        lambda _: PatientDischarged(stay_id=stay_id, discharged_at=discharged_at, destination=destination),
    )


async def _record(
    session: AsyncSession,
    stay_id: str,
    may_see: MaySee,
    change: Callable[[DischargeTimeline], DischargeTimeline],
    event: Callable[[DischargeTimeline], IntegrationEvent],
) -> DischargeTimeline | None:
    """A ward's record: the domain's `change` to the stay's timeline, saved with the `event` of the new timeline."""
    timelines = TimelineRepository(session)
    if (timeline := await _visible(timelines, stay_id, may_see)) is None:
        return None
    new = change(timeline)
    await timelines.save(new)
    await add_to_outbox(session, messaging.outbox, event(new))
    return new


async def get_timeline(session: AsyncSession, stay_id: str, may_see: MaySee) -> DischargeTimeline | None:
    return await _visible(TimelineRepository(session), stay_id, may_see, lock=False)


async def _visible(
    timelines: TimelineRepository, stay_id: str, may_see: MaySee, lock: bool = True
) -> DischargeTimeline | None:
    timeline = await timelines.get(stay_id, lock=lock)
    return timeline if timeline is not None and may_see(timeline) else None


# --- the admission events this service follows (ADR 0010: who may act, the estimated date, the cancellation;
# ADR 0015: the interruption) ---


async def on_notice_sent(session: AsyncSession, _envelope: CloudEvent, event: IntegrationEvent) -> None:
    """The notice tells who may act on the stay: its municipality and its ward (either version: v1 may still be on
    the topic; this service uses none of v1's identity fields, ADR 0028)."""
    assert isinstance(event, AdmissionNoticeSent | AdmissionNoticeSentV2)  # HANDLERS gives each handler its class
    await _follow(
        session,
        event.stay_id,
        lambda t: t.admitted(event.municipality, event.care_unit, event.estimated_discharge_date),
    )


async def on_patient_transferred(session: AsyncSession, _envelope: CloudEvent, event: IntegrationEvent) -> None:
    """The receiving ward takes over; the wards before it keep seeing the stay."""
    assert isinstance(event, PatientTransferred)
    await _follow(session, event.stay_id, lambda t: t.transferred(event.to_care_unit))


async def on_notice_cancelled(session: AsyncSession, _envelope: CloudEvent, event: IntegrationEvent) -> None:
    """Makulering: nothing more is recorded on the stay."""
    assert isinstance(event, AdmissionNoticeCancelled)
    await _follow(session, event.stay_id, DischargeTimeline.cancelled)


async def on_process_interrupted(session: AsyncSession, _envelope: CloudEvent, event: IntegrationEvent) -> None:
    """Avbrott i processen: after declined support or death nothing more is recorded; a move changes the stay's
    municipality, and so who may see it."""
    assert isinstance(event, ProcessInterrupted)
    await _follow(
        session, event.stay_id, lambda t: t.interrupted(event.reason, event.interrupted_at, event.new_municipality)
    )


async def _follow(
    session: AsyncSession, stay_id: str, change: Callable[[DischargeTimeline], DischargeTimeline]
) -> None:
    """Applies an admission fact to the stay's timeline; the first fact about a stay starts it, admitted."""
    timelines = TimelineRepository(session)
    current = await timelines.get(stay_id, lock=True)
    new = change(current or DischargeTimeline(stay_id))
    await (timelines.save(new) if current is not None else timelines.add(new))


HANDLERS: Handlers = {
    AdmissionNoticeSent: on_notice_sent,
    AdmissionNoticeSentV2: on_notice_sent,
    PatientTransferred: on_patient_transferred,
    AdmissionNoticeCancelled: on_notice_cancelled,
    ProcessInterrupted: on_process_interrupted,
}
