"""The admission notice (inskrivningsmeddelande) and its 24-hour deadline (domain §2)."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

# Domain §2: within 24 h of admission, or of the physician's later judgement that the patient will need support.
NOTICE_DEADLINE = timedelta(hours=24)


class NoticeRuleBroken(Exception):
    """An action the process does not allow; the API answers 409 with this message."""


class InvalidNotice(ValueError):
    """The notice's times contradict each other; the API answers 422 naming `field` with this message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AdmissionNotice:
    stay_id: str
    patient_id: str
    municipality: str
    care_unit: str
    care_type: str
    admitted_at: datetime
    sent_at: datetime
    support_needed_judged_at: datetime | None = None
    estimated_discharge_date: date | None = None
    primary_care_unit: str | None = None
    patient_name: str | None = None
    patient_address: str | None = None
    # Skyddad identitet: name and address never leave this service (issue 5 §4).
    protected_identity: bool = False

    def __post_init__(self) -> None:
        if self.support_needed_judged_at is not None and self.support_needed_judged_at < self.admitted_at:
            raise InvalidNotice("support_needed_judged_at", "support_needed_judged_at cannot be before admitted_at")
        if self.sent_at < self.admitted_at:
            raise InvalidNotice("admitted_at", "the notice cannot be sent before the patient was admitted")

    @property
    def deadline(self) -> datetime:
        # In UTC: Python adds a timedelta to a zoned datetime in wall-clock time, which across a DST
        # change would give 23 or 25 elapsed hours instead of the law's 24.
        start = self.support_needed_judged_at or self.admitted_at
        return start.astimezone(UTC) + NOTICE_DEADLINE

    @property
    def on_time(self) -> bool:
        return self.sent_at.astimezone(UTC) <= self.deadline


CORRECTABLE = ("admitted_at", "support_needed_judged_at", "primary_care_unit")


def corrected(notice: AdmissionNotice, cancelled_at: datetime | None, changes: dict[str, object]) -> AdmissionNotice:
    """Rättelse of the times or the vårdcentral; the deadline follows the corrected times, and the notice keeps the
    time it was first sent, so a late notice is judged against what truly happened. The municipality and the patient
    are the notice's receivers and subject: a notice to the wrong one is cancelled and sent again, so the wrong
    municipality's case closes (a correction would leave it having seen another municipality's patient)."""
    if cancelled_at is not None:
        raise NoticeRuleBroken(
            f"stay {notice.stay_id} was cancelled (makulerad): a cancelled notice cannot be corrected"
        )
    if not_correctable := sorted(set(changes) - set(CORRECTABLE)):
        raise NoticeRuleBroken(
            f"{', '.join(not_correctable)} cannot be corrected; cancel the notice and send a new one"
        )
    new = replace(notice, **changes)  # type: ignore[arg-type]
    if new == notice:
        raise NoticeRuleBroken(f"the correction of stay {notice.stay_id} changes nothing")
    return new


def check_can_cancel(stay_id: str, cancelled_at: datetime | None) -> None:
    """Makulering ends the stay's SVU process; it happens once."""
    if cancelled_at is not None:
        raise NoticeRuleBroken(f"stay {stay_id} was cancelled (makulerad) at {cancelled_at.isoformat()}; it stays so")


def check_can_transfer(stay_id: str, cancelled_at: datetime | None, from_unit: str, to_unit: str) -> None:
    """Domain §2: a transfer inside the region keeps the stay and its cases; a cancelled stay has none."""
    if cancelled_at is not None:
        raise NoticeRuleBroken(f"stay {stay_id} was cancelled (makulerad): a cancelled stay cannot be transferred")
    if from_unit == to_unit:
        raise NoticeRuleBroken(f"the patient of stay {stay_id} is already on ward {to_unit}")
