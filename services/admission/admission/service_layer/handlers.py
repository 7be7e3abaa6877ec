"""Use cases of the admission service: each runs in one transaction with its outbox rows."""

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from admission.adapters.tables import messaging, stays
from admission.domain.notice import (
    AdmissionNotice,
    NoticeRuleBroken,
    check_can_cancel,
    check_can_transfer,
    corrected,
)
from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    IntegrationEvent,
    PatientTransferred,
)
from svu_shared.outbox import add_to_outbox


async def send_admission_notice(session: AsyncSession, notice: AdmissionNotice) -> bool:
    """Records the notice and its event; False when this very notice was recorded before. A ward's client
    that retries after a lost answer (a timeout, a 503 while the database restarted) sends the same notice
    again: that is not a second notice, and it must not get an error or a second event."""
    existing = await get_stay(session, notice.stay_id)
    if existing is not None:
        if all(existing[k] == v for k, v in asdict(notice).items() if k != "sent_at"):
            return False
        raise NoticeRuleBroken(f"stay {notice.stay_id} already has an admission notice with other content")
    row = asdict(notice)
    row["notice_sent_at"] = row.pop("sent_at")
    await session.execute(insert(stays).values(**row, notice_deadline=notice.deadline, wards=(notice.care_unit,)))
    await add_to_outbox(session, messaging.outbox, notice_event(notice))
    return True


def notice_event(notice: AdmissionNotice) -> AdmissionNoticeSent:
    """What the receivers get: for a protected identity (skyddad identitet) neither name nor address."""
    data = asdict(notice)
    if notice.protected_identity:
        data.update(patient_name=None, patient_address=None)
    return AdmissionNoticeSent(**data, notice_deadline=notice.deadline)


def notice_of(stay: dict) -> AdmissionNotice:
    fields = {k: stay[k] for k in AdmissionNotice.__dataclass_fields__ if k != "sent_at"}
    return AdmissionNotice(**fields, sent_at=stay["notice_sent_at"])


async def correct_notice(
    session: AsyncSession,
    stay_id: str,
    changes: dict,
    reason: str,
    at: datetime,
) -> bool:
    """Rättelse of the fields in `changes`; False when there is no such stay."""

    def correct(stay: dict) -> tuple[dict, IntegrationEvent]:
        new = corrected(notice_of(stay), stay["cancelled_at"], changes)
        values = {
            "admitted_at": new.admitted_at,
            "support_needed_judged_at": new.support_needed_judged_at,
            "primary_care_unit": new.primary_care_unit,
            "notice_deadline": new.deadline,
            "corrected_at": at,
        }
        event = AdmissionNoticeCorrected(
            stay_id=stay_id,
            admitted_at=new.admitted_at,
            support_needed_judged_at=new.support_needed_judged_at,
            notice_deadline=new.deadline,
            primary_care_unit=new.primary_care_unit,
            reason=reason,
            corrected_at=at,
        )
        return values, event

    return await _change_stay(session, stay_id, correct)


async def cancel_notice(session: AsyncSession, stay_id: str, reason: str, at: datetime) -> bool:
    """Makulering; False when there is no such stay."""

    def cancel(stay: dict) -> tuple[dict, IntegrationEvent]:
        check_can_cancel(stay_id, stay["cancelled_at"])
        event = AdmissionNoticeCancelled(stay_id=stay_id, reason=reason, cancelled_at=at)
        return {"cancelled_at": at, "cancel_reason": reason}, event

    return await _change_stay(session, stay_id, cancel)


async def transfer_patient(session: AsyncSession, stay_id: str, to_unit: str, at: datetime) -> bool:
    """The patient moves to another ward; the stay and its cases stay. False when there is no such stay."""

    def transfer(stay: dict) -> tuple[dict, IntegrationEvent]:
        check_can_transfer(stay_id, stay["cancelled_at"], stay["care_unit"], to_unit)
        event = PatientTransferred(
            stay_id=stay_id, from_care_unit=stay["care_unit"], to_care_unit=to_unit, transferred_at=at
        )
        return {"care_unit": to_unit, "wards": tuple(dict.fromkeys([*stay["wards"], to_unit]))}, event

    return await _change_stay(session, stay_id, transfer)


async def _change_stay(
    session: AsyncSession, stay_id: str, change: Callable[[dict], tuple[dict, IntegrationEvent]]
) -> bool:
    """One change of an existing stay: `change` checks the rule (raising NoticeRuleBroken) and returns the new
    column values and the event; both are written in the caller's transaction. False when there is no stay."""
    stay = await get_stay(session, stay_id)
    if stay is None:
        return False
    values, event = change(stay)
    await session.execute(update(stays).where(stays.c.stay_id == stay_id).values(**values))
    await add_to_outbox(session, messaging.outbox, event)
    return True


async def get_stay(session: AsyncSession, stay_id: str) -> dict | None:
    row = (await session.execute(select(stays).where(stays.c.stay_id == stay_id))).mappings().first()
    return dict(row) if row else None
