"""The admission notice (inskrivningsmeddelande), its 24-hour deadline (domain §2) and what may happen to it after it
was sent: rättelse, makulering, transfer (ADR 0010) and avbrott i processen (ADR 0015).
Each change checks the process rule and returns the new notice; a broken rule raises `NoticeRuleBroken`, which the
API answers with 409 and this message."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from svu_shared.facts import DuplicateEvent, RejectedEvent
from svu_shared.rules import ENDING_INTERRUPTIONS, RuleBroken, check_has_patient

# Domain §2: within 24 h of admission, or of the physician's later judgement that the patient will need support.
NOTICE_DEADLINE = timedelta(hours=24)

# What the ward posts; the send time is the server's, the rest is what happened to the notice since.
POSTED = (
    "stay_id",
    "patient_id",
    "municipality",
    "care_unit",
    "care_type",
    "admitted_at",
    "support_needed_judged_at",
    "estimated_discharge_date",
    "primary_care_unit",
    "patient_name",
    "patient_address",
    "protected_identity",
)
# Who the patient is: published on its own topic to planning alone, never in the notice (ADR 0028).
IDENTITY = ("patient_id", "protected_identity", "patient_name", "patient_address")
# None of IDENTITY: a notice for the wrong patient is cancelled and sent again (`corrected`), so no correction
# publishes an identity.
CORRECTABLE = ("admitted_at", "support_needed_judged_at", "primary_care_unit")


class NoticeRuleBroken(RuleBroken):
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
    # Skyddad identitet: name and address never leave this service (ADR 0011).
    protected_identity: bool = False
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    corrected_at: datetime | None = None
    # Every ward the stay has been on (admitted or received by transfer): they may see it (ADR 0011).
    wards: tuple[str, ...] = ()
    # Avbrott i processen, the latest one (ADR 0015): declined support and death end the stay's SVU process; a move
    # makes the new municipality the stay's, and `former_municipality` the one it left.
    interruption_reason: str | None = None
    interruption_note: str | None = None
    interrupted_at: datetime | None = None
    former_municipality: str | None = None
    # The discharge, from the discharge service's event: every role's read access ends a period after it
    # (Patientdatalagen 4 kap. 1 §, ADR 0025).
    discharged_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.support_needed_judged_at is not None and self.support_needed_judged_at < self.admitted_at:
            raise InvalidNotice("support_needed_judged_at", "support_needed_judged_at cannot be before admitted_at")
        if self.sent_at < self.admitted_at:
            raise InvalidNotice("admitted_at", "the notice cannot be sent before the patient was admitted")
        if not self.wards:  # a new notice: the admitting ward has the stay
            object.__setattr__(self, "wards", (self.care_unit,))

    @property
    def deadline(self) -> datetime:
        # In UTC: Python adds a timedelta to a zoned datetime in wall-clock time, which across a DST
        # change would give 23 or 25 elapsed hours instead of the law's 24 (ADR 0004).
        start = self.support_needed_judged_at or self.admitted_at
        return start.astimezone(UTC) + NOTICE_DEADLINE

    @property
    def on_time(self) -> bool:
        return self.sent_at.astimezone(UTC) <= self.deadline

    @property
    def process_ended(self) -> bool:
        """Makulering, or an interruption that ends the process (declined support, death): nothing more changes."""
        return self.cancelled_at is not None or self.interruption_reason in ENDING_INTERRUPTIONS

    def check_process_goes_on(self, change: str) -> None:
        """After an interruption that ended the process, no change is accepted; the message names why."""
        if self.interruption_reason in ENDING_INTERRUPTIONS and self.interrupted_at is not None:
            raise NoticeRuleBroken(
                f"the SVU process of stay {self.stay_id} ended at {self.interrupted_at.isoformat()}: "
                f"{ENDING_INTERRUPTIONS[self.interruption_reason]} (avbrott i processen); {change}"
            )

    def check_has_patient(self, ward: str, act: str) -> None:
        """Patientdatalagen's need-to-know over time (ADR 0025): only the ward that has the patient now acts on the
        stay; a ward the patient has left keeps reading it."""
        check_has_patient(self.stay_id, self.care_unit, ward, act, NoticeRuleBroken)

    def discharged(self, at: datetime) -> "AdmissionNotice":
        """The discharge service discharged the patient (an event: it applies; the same fact again is a no-op, a
        second discharge at another time a contradiction: a stay has one discharge, domain §2)."""
        if self.discharged_at == at:
            raise DuplicateEvent(f"stay {self.stay_id}: the same discharge again")
        if self.discharged_at is not None:
            raise RejectedEvent(
                f"stay {self.stay_id} was discharged at {self.discharged_at.isoformat()}: a stay has one discharge"
            )
        return replace(self, discharged_at=at)

    def correct(self, changes: dict[str, object], at: datetime) -> "AdmissionNotice":
        self.check_process_goes_on("the notice cannot be corrected")
        return replace(corrected(self, self.cancelled_at, changes), corrected_at=at)

    def cancel(self, reason: str, at: datetime) -> "AdmissionNotice":
        self.check_process_goes_on("the notice cannot be cancelled")
        check_can_cancel(self.stay_id, self.cancelled_at)
        return replace(self, cancelled_at=at, cancel_reason=reason)

    def transfer(self, to_unit: str) -> "AdmissionNotice":
        self.check_process_goes_on("the patient cannot be transferred")
        check_can_transfer(self.stay_id, self.cancelled_at, self.care_unit, to_unit)
        return replace(self, care_unit=to_unit, wards=tuple(dict.fromkeys([*self.wards, to_unit])))

    def interrupt(
        self, reason: str, note: str, at: datetime, by_ward: str, new_municipality: str | None = None
    ) -> "AdmissionNotice":
        """Avbrott i processen (domain §5), recorded by the ward that has the patient (ADR 0015). Declined support
        and death end the process; a move (folkbokföring) makes the new municipality the stay's receiver."""
        if self.cancelled_at is not None:
            raise NoticeRuleBroken(f"stay {self.stay_id} was cancelled (makulerad): it has no process to interrupt")
        self.check_process_goes_on("it cannot be interrupted again")
        self.check_has_patient(by_ward, "records an interruption")
        if (reason == "moved_municipality") != (new_municipality is not None):
            raise InvalidNotice(
                "new_municipality",
                "new_municipality (the new kommunkod) is given with moved_municipality, and only then",
            )
        interrupted = replace(self, interruption_reason=reason, interruption_note=note, interrupted_at=at)
        if new_municipality is None:
            return interrupted
        if new_municipality == self.municipality:
            raise NoticeRuleBroken(
                f"the patient of stay {self.stay_id} is already registered in municipality {new_municipality}"
            )
        return replace(interrupted, municipality=new_municipality, former_municipality=self.municipality)


def is_new_notice(posted: AdmissionNotice, recorded: AdmissionNotice | None) -> bool:
    """False when `recorded` is this very notice, posted again (ADR 0006): a ward's client that retries after a lost
    answer (a timeout, a 503 while the database restarted) sends the same notice again, and that is not a second
    notice. A different notice for a stay that has one is refused: a stay has one notice (domain §2)."""
    if recorded is None:
        return True
    if all(getattr(recorded, name) == getattr(posted, name) for name in POSTED):
        return False
    raise NoticeRuleBroken(f"stay {posted.stay_id} already has an admission notice with other content")


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
