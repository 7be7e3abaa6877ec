"""What billing knows of a stay: timestamped facts taken from the event log, each with the event id behind it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

import polars as pl

from svu_shared.facts import DuplicateEvent, RejectedEvent


class FactKind(StrEnum):
    ADMISSION_NOTICE = "admission_notice"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGE_READY_WITHDRAWN = "discharge_ready_withdrawn"
    SIP_INVITATION = "sip_invitation"
    DISCHARGED = "discharged"
    # The process wave (ADR 0016): makulering, avbrott i processen, a paper notice's earlier send time.
    NOTICE_CANCELLED = "notice_cancelled"
    PROCESS_INTERRUPTED = "process_interrupted"
    DISCHARGE_READY_BACKDATED = "discharge_ready_backdated"


# Facts at the same instant apply in process order (a notice and its withdrawal can share a timestamp). An
# interruption at the instant of discharge (a death recorded as both) comes before the discharge it explains.
PROCESS_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            FactKind.ADMISSION_NOTICE,
            FactKind.DISCHARGE_READY,
            FactKind.DISCHARGE_READY_WITHDRAWN,
            FactKind.SIP_INVITATION,
            FactKind.PROCESS_INTERRUPTED,
            FactKind.DISCHARGED,
            FactKind.NOTICE_CANCELLED,
            FactKind.DISCHARGE_READY_BACKDATED,
        )
    )
}

# Why the process was interrupted (ProcessInterrupted.reason). A death or declined support ends the stay's SVU
# process (no later notice or discharge is recorded, ADR 0015); a move only changes who pays (ADR 0016).
DIED, MOVED, DECLINED = "died", "moved_municipality", "declined_support"
PROCESS_ENDING = (DIED, DECLINED)


@dataclass(frozen=True)
class StayFact:
    """`municipality` is the home municipality on a notice, the new one on a move; `reason` is a cancellation's or
    a backdating's words, or an interruption's reason; `received_at` is, on a backdating, the server's receipt
    time of the notice it corrects (its `at` is the real, earlier send time)."""

    stay_id: str
    kind: FactKind
    at: datetime
    event_id: str
    municipality: str | None = None
    care_type: str | None = None
    reason: str | None = None
    received_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or (self.received_at is not None and self.received_at.tzinfo is None):
            raise ValueError(f"stay {self.stay_id}: naive timestamp for {self.kind}; every time must carry an offset")

    @property
    def ends_stay(self) -> bool:
        """A discharge, or an interruption that ended the process before it: the stay's end for billing (ADR 0016)."""
        return self.kind is FactKind.DISCHARGED or (
            self.kind is FactKind.PROCESS_INTERRUPTED and self.reason in PROCESS_ENDING
        )

    @property
    def starts_ready(self) -> bool:
        return self.kind in (FactKind.DISCHARGE_READY, FactKind.DISCHARGE_READY_BACKDATED)


# A stay has one admission notice, one discharge and at most one cancellation (domain §2); the others may recur.
ONCE_PER_STAY = (FactKind.ADMISSION_NOTICE, FactKind.DISCHARGED, FactKind.NOTICE_CANCELLED)


def check_new_fact(known: Iterable[StayFact], fact: StayFact) -> None:
    """Before a fact from the event log is kept (ADR 0012): the same fact under another event id is a duplicate
    (`DuplicateEvent`, a no-op); a second, different notice, discharge or cancellation is refused, and so is a
    backdating that moves a send time later or corrects a notice already backdated (`RejectedEvent`)."""
    content = (fact.kind, fact.at, fact.municipality, fact.care_type, fact.reason, fact.received_at)
    for earlier in known:
        same = (earlier.kind, earlier.at, earlier.municipality, earlier.care_type, earlier.reason, earlier.received_at)
        if same == content:
            raise DuplicateEvent(f"stay {fact.stay_id}: {fact.kind} at {fact.at.isoformat()} is known already")
        if fact.kind in ONCE_PER_STAY and earlier.kind is fact.kind:
            raise RejectedEvent(
                f"stay {fact.stay_id} already has its {fact.kind} at {earlier.at.isoformat()} (event "
                f"{earlier.event_id}): a stay has one (domain §2)"
            )
        if fact.kind is FactKind.DISCHARGE_READY_BACKDATED and earlier.kind is fact.kind:
            if earlier.received_at == fact.received_at:
                raise RejectedEvent(
                    f"stay {fact.stay_id}: the notice received at {fact.received_at} is already backdated to "
                    f"{earlier.at.isoformat()} (event {earlier.event_id}); a notice is backdated once (ADR 0016)"
                )
    if fact.kind is FactKind.DISCHARGE_READY_BACKDATED and (fact.received_at is None or fact.at > fact.received_at):
        raise RejectedEvent(
            f"stay {fact.stay_id}: a backdating moves a notice's send time earlier, not to {fact.at.isoformat()} "
            f"after its receipt at {fact.received_at} (ADR 0016)"
        )


# The columnar form of the facts (ADR 0019): one row per fact, the engine's input. `kind` is the fact's place in
# PROCESS_ORDER, so sorting by (stay, at, kind) is the process order; instants are microseconds since the epoch
# (UTC) with the offset they were written with (seconds), so every time the engine gives back reads as it was given.
KIND_CODE = {kind.value: code for kind, code in PROCESS_ORDER.items()}
KIND_OF_CODE = {code: kind for kind, code in PROCESS_ORDER.items()}
FACT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay_id": pl.String,
    "kind": pl.UInt8,
    "at": pl.Int64,
    "at_offset": pl.Int32,
    "event_id": pl.String,
    "municipality": pl.String,
    "care_type": pl.String,
    "reason": pl.String,
    "received_at": pl.Int64,
    "received_offset": pl.Int32,
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# A fact's event id is carried through the engine as the fact's number (its row in the facts as read, `seq`) and written
# out as text only where an underlag or a timeline read as objects needs it (ADR 0019).
EVENT_NUMBER = pl.UInt32


@dataclass(frozen=True)
class EventIds:
    """The event id of each fact by its number: the ids as given (`texts`), or a file's lines (`lines`), `name:line`."""

    texts: pl.Series | None = None
    name: str = ""
    lines: pl.Series | None = None

    def text(self, numbers: pl.Series) -> pl.Series:
        """The ids of the facts numbered `numbers` (none where the number is none)."""
        if self.texts is not None:
            return self.texts.gather(numbers)
        assert self.lines is not None
        return pl.select(pl.format(f"{self.name}:{{}}", self.lines.gather(numbers))).to_series()

    def numbered(self, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        """`frame` with the event numbers in `columns` written out as ids."""
        return frame.with_columns(self.text(frame[c]).alias(c) for c in columns)


@dataclass(frozen=True)
class FileFacts:
    """A file's facts (FACT_SCHEMA, no `event_id` text) with each fact's event id as its line (`EventIds.lines`)."""

    frame: pl.DataFrame
    event_ids: EventIds


def micros(instant: datetime) -> int:
    """An aware instant as microseconds since the epoch, exactly (no float on the way)."""
    return (instant - EPOCH) // timedelta(microseconds=1)


def offset_seconds(instant: datetime) -> int:
    offset = instant.utcoffset()
    assert offset is not None  # StayFact refuses naive timestamps
    return int(offset.total_seconds())


def instant(us: int | None, offset: int | None) -> datetime | None:
    """Back from the columnar form: the instant at the offset it was written with."""
    if us is None:
        return None
    return (EPOCH + timedelta(microseconds=us)).astimezone(timezone(timedelta(seconds=offset or 0)))


def facts_frame(facts: Iterable[StayFact]) -> pl.DataFrame:
    """Facts as the engine reads them, in the order given."""
    rows = [
        (
            f.stay_id,
            PROCESS_ORDER[f.kind],
            micros(f.at),
            offset_seconds(f.at),
            f.event_id,
            f.municipality,
            f.care_type,
            f.reason,
            micros(f.received_at) if f.received_at else None,
            offset_seconds(f.received_at) if f.received_at else None,
        )
        for f in facts
    ]
    return pl.DataFrame(rows, schema=FACT_SCHEMA, orient="row")
