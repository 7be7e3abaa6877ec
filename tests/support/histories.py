"""Stays' histories as the ward's systems tell them to planning (admission and discharge events), in ten shapes that
together touch every path of planning's consumer: a plain stay to discharge, a transfer, a vårdcentral corrected away
and back (its case closes and reopens), a cancellation, a move to another municipality, a death, a discharge-ready
notice withdrawn and a backdated one, events that arrive before their admission notice (parked), and the same
notice again under a new event id. The tests compare the batched consumer with the one-by-one one on them; the bench
fills the topics of a rebuild with them."""

from datetime import date, datetime, timedelta

from svu_shared.contracts import (
    AdmissionNoticeCancelled,
    AdmissionNoticeCorrected,
    AdmissionNoticeSent,
    DischargeInformationSent,
    DischargeReadyNotified,
    DischargeReadyWithdrawn,
    EstimatedDischargeDateChanged,
    IntegrationEvent,
    PatientDischarged,
    PatientTransferred,
)
from svu_shared.contracts.admission import ProcessInterrupted
from svu_shared.contracts.discharge import DischargeReadyBackdated

SHAPES = 10


def stay_history(stay_id: str, shape: int, admitted: datetime, municipality: str = "1280") -> list[IntegrationEvent]:
    """The events of one stay of the given shape (0-9), in the order a consumer may receive them."""
    hour = timedelta(hours=1)
    ward, other_ward = f"W{shape % 3}", f"W{(shape + 1) % 3}"
    vardcentral = f"VC{shape % 4}" if shape % 2 == 0 else None
    notice = AdmissionNoticeSent(
        stay_id=stay_id,
        patient_id="191212121212",
        municipality=municipality,
        care_unit=ward,
        admitted_at=admitted,
        sent_at=admitted + 3 * hour,
        notice_deadline=admitted + 24 * hour,
        primary_care_unit=vardcentral,
        estimated_discharge_date=(admitted + 96 * hour).date(),
    )
    ready_at = admitted + 48 * hour
    ready = DischargeReadyNotified(stay_id=stay_id, judged_at=ready_at, sent_at=ready_at)
    discharged = PatientDischarged(stay_id=stay_id, discharged_at=admitted + 72 * hour, destination="home")

    def corrected(to: str | None, at: datetime) -> AdmissionNoticeCorrected:
        return AdmissionNoticeCorrected(
            stay_id=stay_id,
            admitted_at=admitted,
            notice_deadline=admitted + 24 * hour,
            primary_care_unit=to,
            reason="fel vårdcentral",
            corrected_at=at,
        )

    if shape == 1:
        moved = PatientTransferred(
            stay_id=stay_id, from_care_unit=ward, to_care_unit=other_ward, transferred_at=admitted + 5 * hour
        )
        return [notice, moved, ready, discharged]
    if shape == 2:
        return [
            notice,
            corrected("VC9", admitted + 4 * hour),
            corrected(vardcentral, admitted + 5 * hour),
            ready,
            discharged,
        ]
    if shape == 3:
        cancelled = AdmissionNoticeCancelled(stay_id=stay_id, reason="fel patient", cancelled_at=admitted + 4 * hour)
        return [notice, cancelled]
    if shape == 4:
        move = ProcessInterrupted(
            stay_id=stay_id,
            reason="moved_municipality",
            note="flyttat",
            new_municipality="0180" if municipality != "0180" else "1280",
            interrupted_at=admitted + 6 * hour,
        )
        return [notice, move, ready, discharged]
    if shape == 5:
        died = ProcessInterrupted(stay_id=stay_id, reason="died", note="avliden", interrupted_at=admitted + 30 * hour)
        return [notice, ready, died]
    if shape == 6:
        withdrawn = DischargeReadyWithdrawn(stay_id=stay_id, withdrawn_at=ready_at + hour, reason="feber")
        again = DischargeReadyNotified(stay_id=stay_id, judged_at=ready_at + 20 * hour, sent_at=ready_at + 20 * hour)
        return [notice, ready, withdrawn, again, discharged]
    if shape == 7:
        backdated = DischargeReadyBackdated(
            stay_id=stay_id,
            sent_at=ready_at - 2 * hour,
            received_at=ready_at,
            reason="skickat på papper",
            corrected_at=ready_at + hour,
        )
        return [notice, ready, backdated, discharged]
    if shape == 8:
        # The discharge service's events can come before the notice (another topic): parked until it comes.
        estimated = EstimatedDischargeDateChanged(
            stay_id=stay_id, estimated_discharge_date=date(2030, 1, 1), changed_at=admitted + 2 * hour
        )
        return [estimated, ready, notice, discharged]
    if shape == 9:
        informed = DischargeInformationSent(
            stay_id=stay_id, epicrisis_sent_at=admitted + 70 * hour, medication_list_sent_at=admitted + 71 * hour
        )
        return [notice, notice, ready, informed, discharged]  # the notice again: a new event id, a no-op
    return [notice, ready, discharged]
