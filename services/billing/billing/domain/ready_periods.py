"""From a stay's facts to its ready periods and anomalies (domain §3.1 rules 2 and 7).

A period opens at a discharge-ready notice and closes at its withdrawal or at discharge; a repeated
notice while ready does not restart it. Facts that contradict the timeline are reported, never guessed at.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from billing.domain.facts import PROCESS_ORDER, FactKind, StayFact


@dataclass(frozen=True)
class ReadyPeriod:
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str | None = None


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

    @property
    def event_ids(self) -> tuple[str, ...]:
        ids = [self.admission_notice, self.sip_invitation, self.discharged_by]
        for p in self.periods:
            ids += [p.opened_by, p.closed_by]
        return tuple(sorted({i for i in ids if i}))


def stay_timeline(stay_id: str, facts: Iterable[StayFact]) -> StayTimeline:
    ordered = sorted(facts, key=lambda f: (f.at, PROCESS_ORDER[f.kind]))
    municipality = next((f.municipality for f in ordered if f.municipality), None)
    care_type = next((f.care_type for f in ordered if f.care_type), "somatic")
    admission = sip = discharged_by = None
    discharged_at = None
    opened: StayFact | None = None
    periods: list[ReadyPeriod] = []
    anomalies: list[str] = []
    for fact in ordered:
        if fact.kind is FactKind.ADMISSION_NOTICE:
            admission = admission or fact.event_id
        elif fact.kind is FactKind.SIP_INVITATION:
            sip = sip or fact.event_id
        elif fact.kind is FactKind.DISCHARGE_READY:
            if discharged_at is not None:
                anomalies.append(f"discharge-ready notice at {fact.at.isoformat()} after discharge")
            elif opened is None:
                opened = fact
        elif fact.kind is FactKind.DISCHARGE_READY_WITHDRAWN:
            if opened is None:
                anomalies.append(f"withdrawal at {fact.at.isoformat()} while not discharge-ready")
            else:
                periods.append(ReadyPeriod(opened.at, fact.at, opened.event_id, fact.event_id))
                opened = None
        elif fact.kind is FactKind.DISCHARGED:
            if discharged_at is not None:
                anomalies.append(f"second discharge at {fact.at.isoformat()}")
                continue
            discharged_at, discharged_by = fact.at, fact.event_id
            if opened is not None:
                periods.append(ReadyPeriod(opened.at, fact.at, opened.event_id, fact.event_id))
                opened = None
    if opened is not None:
        periods.append(ReadyPeriod(opened.at, None, opened.event_id))
    return StayTimeline(
        stay_id, municipality, care_type, admission, sip, discharged_at, discharged_by, tuple(periods), tuple(anomalies)
    )
