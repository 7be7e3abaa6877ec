"""From a stay's facts to its ready periods and anomalies (domain §3.1 rules 2 and 7; the process wave, ADR 0016).

A period opens at a discharge-ready notice (at its corrected send time when the notice was backdated) and closes at
its withdrawal, at discharge, or at an interruption that ends the process (death, declined support: the stay's end
for billing, since no discharge is recorded after it); a repeated notice while ready does not restart it. A move to
another municipality splits the stay between payers (`domain/moves.py`); a cancelled notice takes the stay out of
billing. Facts that contradict the timeline are reported, never guessed at.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from billing.domain.facts import MOVED, PROCESS_ENDING, PROCESS_ORDER, FactKind, StayFact


@dataclass(frozen=True)
class ReadyPeriod:
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str | None = None
    # A backdated notice (ADR 0016): when the server received it, and the ward's reason for the earlier time.
    backdated_from: datetime | None = None
    backdating_reason: str | None = None
    note: str = ""  # how the period opened or closed when not by a plain notice, withdrawal or discharge


@dataclass(frozen=True)
class Move:
    """The patient became a resident of `municipality` at `at` (ProcessInterrupted, moved_municipality)."""

    at: datetime
    municipality: str
    event_id: str


@dataclass(frozen=True)
class StayTimeline:
    stay_id: str
    municipality: str | None
    care_type: str
    admission_notice: str | None
    sip_invitation: str | None
    discharged_at: datetime | None
    discharged_by: str | None
    periods: tuple[ReadyPeriod, ...]
    anomalies: tuple[str, ...] = field(default=())
    cancelled_by: str | None = None  # makulering: the stay is never billed
    process_ended_at: datetime | None = None  # a death or declined support before discharge: the stay's end
    interrupted: str | None = None  # the reason of that interruption (died, declined_support)
    moves: tuple[Move, ...] = ()
    other_event_ids: tuple[str, ...] = ()  # interruptions and backdatings, for tracing

    @property
    def ended_at(self) -> datetime | None:
        """Discharge, or the end of the process before it: the stay belongs to this instant's month (domain §3.1
        rule 1, ADR 0016)."""
        return min((t for t in (self.discharged_at, self.process_ended_at) if t is not None), default=None)

    @property
    def municipalities(self) -> tuple[str, ...]:
        """Every municipality that has had the patient during the stay: home first, then each move."""
        return tuple(dict.fromkeys([m for m in (self.municipality,) if m] + [m.municipality for m in self.moves]))

    @property
    def event_ids(self) -> tuple[str, ...]:
        ids = [self.admission_notice, self.sip_invitation, self.discharged_by, self.cancelled_by, *self.other_event_ids]
        for p in self.periods:
            ids += [p.opened_by, p.closed_by]
        return tuple(sorted({i for i in ids if i}))


def _backdated(facts: list[StayFact], anomalies: list[str]) -> tuple[list[StayFact], dict[str, StayFact]]:
    """Each backdated notice at its real send time; returns the facts and the backdating of each notice's id."""
    backdatings = [f for f in facts if f.kind is FactKind.DISCHARGE_READY_BACKDATED]
    notices = [f for f in facts if f.kind is FactKind.DISCHARGE_READY]
    applied: dict[str, StayFact] = {}
    unmatched = []
    for backdating in backdatings:
        notice = _notice_received_at(notices, backdating.received_at, applied)
        if notice is None:
            unmatched.append(backdating)
        else:
            applied[notice.event_id] = backdating
    result = [
        replace(f, at=applied[f.event_id].at) if f.event_id in applied else f
        for f in facts
        if f.kind is not FactKind.DISCHARGE_READY_BACKDATED
    ]
    for backdating in unmatched:
        anomalies.append(
            f"backdating to {backdating.at.isoformat()} of a discharge-ready notice received at "
            f"{backdating.received_at.isoformat() if backdating.received_at else '?'} that billing does not have"
        )
    return result, applied


def _notice_received_at(
    notices: list[StayFact], received_at: datetime | None, taken: dict[str, StayFact]
) -> StayFact | None:
    """The notice a backdating corrects: received at `received_at` (the notice's own send time), or failing that
    within a second of it (a producer that rounds a time), never one corrected already."""
    if received_at is None:
        return None
    free = [n for n in notices if n.event_id not in taken]
    exact = [n for n in free if n.at == received_at]
    near = [n for n in free if abs(n.at - received_at) < timedelta(seconds=1)]
    return next(iter(exact or near), None)


def stay_timeline(stay_id: str, facts: Iterable[StayFact]) -> StayTimeline:
    anomalies: list[str] = []
    given = list(facts)
    effective, backdated = _backdated(given, anomalies)
    ordered = sorted(effective, key=lambda f: (f.at, PROCESS_ORDER[f.kind]))
    municipality = next(
        (f.municipality for f in ordered if f.municipality and f.kind is not FactKind.PROCESS_INTERRUPTED), None
    )
    care_type = next((f.care_type for f in ordered if f.care_type), "somatic")
    admission = sip = discharged_by = cancelled = interrupted = None
    discharged_at = ended = None
    opened: StayFact | None = None
    periods: list[ReadyPeriod] = []
    moves: list[Move] = []

    def period(closed_at: datetime | None, by: str | None, note: str = "") -> ReadyPeriod:
        """The open period, closed at `closed_at` by `by` (None: still open), marked when its notice was backdated."""
        assert opened is not None
        b = backdated.get(opened.event_id)
        return ReadyPeriod(
            opened.at, closed_at, opened.event_id, by, b.received_at if b else None, b.reason if b else None, note
        )

    def close(at: datetime, by: str, note: str = "") -> None:
        nonlocal opened
        periods.append(period(at, by, note))
        opened = None

    for fact in ordered:
        if fact.kind is FactKind.ADMISSION_NOTICE:
            admission = admission or fact.event_id
        elif fact.kind is FactKind.SIP_INVITATION:
            sip = sip or fact.event_id
        elif fact.kind is FactKind.NOTICE_CANCELLED:
            cancelled = cancelled or fact.event_id
        elif fact.kind is FactKind.DISCHARGE_READY:
            if discharged_at is not None:
                anomalies.append(f"discharge-ready notice at {fact.at.isoformat()} after discharge")
            elif ended is not None:
                anomalies.append(
                    f"discharge-ready notice at {fact.at.isoformat()} after the process was interrupted ({interrupted})"
                )
            elif opened is None:
                opened = fact
        elif fact.kind is FactKind.DISCHARGE_READY_WITHDRAWN:
            if opened is not None:
                close(fact.at, fact.event_id)
            elif ended is None:  # after an interruption the period was closed by it already
                anomalies.append(f"withdrawal at {fact.at.isoformat()} while not discharge-ready")
        elif fact.kind is FactKind.PROCESS_INTERRUPTED:
            if discharged_at is not None or ended is not None:
                continue  # after the stay's end: nothing left to pay for (ADR 0016)
            if fact.reason == MOVED:
                if fact.municipality:
                    moves.append(Move(fact.at, fact.municipality, fact.event_id))
                else:
                    anomalies.append(f"move at {fact.at.isoformat()} to a municipality the event does not name")
            elif fact.reason in PROCESS_ENDING:
                interrupted, ended = fact.reason, fact.at
                if opened is not None:
                    close(fact.at, fact.event_id, f"closed: process interrupted ({fact.reason})")
        elif fact.kind is FactKind.DISCHARGED:
            if discharged_at is not None:
                anomalies.append(f"second discharge at {fact.at.isoformat()}")
                continue
            discharged_at, discharged_by = fact.at, fact.event_id
            if opened is not None:
                close(fact.at, fact.event_id)
    if opened is not None:
        periods.append(period(None, None))
    others = tuple(
        f.event_id for f in given if f.kind in (FactKind.PROCESS_INTERRUPTED, FactKind.DISCHARGE_READY_BACKDATED)
    )
    return StayTimeline(
        stay_id,
        municipality,
        care_type,
        admission,
        sip,
        discharged_at,
        discharged_by,
        tuple(periods),
        tuple(anomalies),
        cancelled,
        ended,
        interrupted,
        tuple(moves),
        others,
    )
