"""Use cases of the admission service. Each loads the notice through its repository, lets the domain decide what
happens to it, saves the new notice and turns what happened into its integration event in the same transaction
(the outbox, architecture §3; ADR 0013). A broken rule (`NoticeRuleBroken`) leaves the transaction and is answered
with 409.

Each answers the stay as stored, read back in that transaction (a new notice's row comes back from its insert):
the answer is the stay as committed, with no second round trip after the commit that could fail on its own. A use
case on a stay answers None when there is no such stay, or not one the caller takes part in (`may_see`, checked
before the rule: its existence is not shown, ADR 0011).
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from admission.adapters.repository import NoticeRepository
from admission.adapters.tables import messaging
from admission.domain.notice import IDENTITY, POSTED, AdmissionNotice, is_new_notice
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSentV2,
    IntegrationEvent,
    PatientDischarged,
    PatientIdentified,
    PatientTransferred,
)
from svu_shared.contracts.admission import InterruptionReason, ProcessInterrupted
from svu_shared.envelope import CloudEvent
from svu_shared.facts import RejectedEvent
from svu_shared.inbox import Handlers
from svu_shared.outbox import add_to_outbox

MaySee = Callable[[AdmissionNotice], bool]


async def send_admission_notice(session: AsyncSession, notice: AdmissionNotice) -> tuple[AdmissionNotice, bool]:
    """The stay and whether the notice is new; this very notice posted again changes nothing (ADR 0006)."""
    notices = NoticeRepository(session)
    if (stored := await notices.add_if_new(notice)) is not None:
        for event in notice_sent(notice):
            await _publish(session, event)
        return stored, True
    recorded = await _stored(notices, notice.stay_id)
    is_new_notice(notice, recorded)  # False for this very notice; another notice for the stay is refused
    return recorded, False


def notice_sent(notice: AdmissionNotice) -> tuple[PatientIdentified, AdmissionNoticeSentV2]:
    """What the receivers get, in one transaction: the patient's identity on its own topic, which planning alone
    reads (GDPR art. 5.1 c, ADR 0028), and the notice on the topic every follower of the stay reads. The identity
    goes first, so planning usually has it (parked) when the notice opens the cases and the receivers look."""
    data = {name: getattr(notice, name) for name in POSTED if name not in IDENTITY}
    sent = AdmissionNoticeSentV2(**data, sent_at=notice.sent_at, notice_deadline=notice.deadline)
    return patient_identified(notice, notice.sent_at), sent


def patient_identified(notice: AdmissionNotice, at: datetime) -> PatientIdentified:
    """The identity as the notice has it; for a protected identity (skyddad identitet) neither name nor address
    (ADR 0011)."""
    identity = {name: getattr(notice, name) for name in IDENTITY}
    if notice.protected_identity:
        identity.update(patient_name=None, patient_address=None)
    return PatientIdentified(stay_id=notice.stay_id, **identity, identified_at=at)


async def correct_notice(
    session: AsyncSession, stay_id: str, changes: dict[str, object], reason: str, at: datetime, may_see: MaySee
) -> AdmissionNotice | None:
    """Rättelse of the fields in `changes` (ADR 0010); receivers get the corrected times and their deadline."""
    return await _change(
        session,
        stay_id,
        may_see,
        lambda notice: notice.correct(changes, at),
        lambda _, new: AdmissionNoticeCorrected(
            stay_id=stay_id,
            admitted_at=new.admitted_at,
            support_needed_judged_at=new.support_needed_judged_at,
            notice_deadline=new.deadline,
            primary_care_unit=new.primary_care_unit,
            reason=reason,
            corrected_at=at,
        ),
    )


async def cancel_notice(
    session: AsyncSession, stay_id: str, reason: str, at: datetime, may_see: MaySee
) -> AdmissionNotice | None:
    """Makulering: the receivers' cases close."""
    return await _change(
        session,
        stay_id,
        may_see,
        lambda notice: notice.cancel(reason, at),
        lambda _, __: AdmissionNoticeCancelled(stay_id=stay_id, reason=reason, cancelled_at=at),
    )


async def transfer_patient(
    session: AsyncSession, stay_id: str, to_unit: str, at: datetime, may_see: MaySee
) -> AdmissionNotice | None:
    """The patient moves to another ward; the stay and its cases stay (domain §2)."""
    return await _change(
        session,
        stay_id,
        may_see,
        lambda notice: notice.transfer(to_unit),
        lambda old, new: PatientTransferred(
            stay_id=stay_id, from_care_unit=old.care_unit, to_care_unit=new.care_unit, transferred_at=at
        ),
    )


async def interrupt_process(
    session: AsyncSession,
    stay_id: str,
    reason: InterruptionReason,
    note: str,
    new_municipality: str | None,
    by_ward: str,
    at: datetime,
    may_see: MaySee,
) -> AdmissionNotice | None:
    """Avbrott i processen (ADR 0015): the receivers' cases close; on a move the new municipality becomes the
    stay's, and with it who may see the stay (ADR 0011)."""
    return await _change(
        session,
        stay_id,
        may_see,
        lambda notice: notice.interrupt(reason, note, at, by_ward, new_municipality),
        lambda _, __: ProcessInterrupted(
            stay_id=stay_id, reason=reason, note=note, new_municipality=new_municipality, interrupted_at=at
        ),
    )


async def find_stays(session: AsyncSession, patient_id: str, may_see: MaySee) -> list[AdmissionNotice]:
    """The patient's stays that the caller may see (ADR 0011), the latest admission first."""
    return [notice for notice in await NoticeRepository(session).of_patient(patient_id) if may_see(notice)]


async def get_stay(session: AsyncSession, stay_id: str, may_see: MaySee) -> AdmissionNotice | None:
    return await _visible(NoticeRepository(session), stay_id, may_see, lock=False)


async def _visible(
    notices: NoticeRepository, stay_id: str, may_see: MaySee, lock: bool = True
) -> AdmissionNotice | None:
    notice = await notices.get(stay_id, lock=lock)
    return notice if notice is not None and may_see(notice) else None


async def _stored(notices: NoticeRepository, stay_id: str) -> AdmissionNotice:
    notice = await notices.get(stay_id)
    assert notice is not None  # written in this transaction
    return notice


async def _publish(session: AsyncSession, event: IntegrationEvent) -> None:
    await add_to_outbox(session, messaging.outbox, event)


async def _change(
    session: AsyncSession,
    stay_id: str,
    may_see: MaySee,
    change: Callable[[AdmissionNotice], AdmissionNotice],
    event: Callable[[AdmissionNotice, AdmissionNotice], IntegrationEvent],
) -> AdmissionNotice | None:
    """A ward's change to a sent notice: the domain's `change`, saved with the `event` of the old and new notice."""
    notices = NoticeRepository(session)
    if (notice := await _visible(notices, stay_id, may_see)) is None:
        return None
    new = change(notice)
    await notices.save(new)
    await _publish(session, event(notice, new))
    return await _stored(notices, stay_id)


# --- the one event this service follows: the discharge, after which every role's read access ends a period later
# (Patientdatalagen 4 kap. 1 §, ADR 0025) ---


async def on_patient_discharged(session: AsyncSession, _envelope: CloudEvent, event: IntegrationEvent) -> None:
    assert isinstance(event, PatientDischarged)  # HANDLERS gives each handler its own class
    notices = NoticeRepository(session)
    notice = await notices.get(event.stay_id, lock=True)
    if notice is None:  # the discharge service takes a ward's records only on a stay whose notice it has
        raise RejectedEvent(f"stay {event.stay_id} has no admission notice here")
    await notices.save(notice.discharged(event.discharged_at))


HANDLERS: Handlers = {PatientDischarged: on_patient_discharged}
