"""Operational metrics (ADR 0009), as OpenTelemetry instruments exported with the service's telemetry.

- `svu.outbox.backlog`: outbox rows not yet acknowledged by the broker (grows while the broker is away).
- `svu.consumer.lag`: per topic partition, records on the broker not yet applied and committed.
- `svu.dead_letters`: events sent to a dead-letter topic, by source topic.
- `svu.consumer.retrying`: events the consumer is trying again right now (a database away, or an event failing).
- `svu.consumer.oldest_unapplied_age`: per topic partition, seconds since the oldest event fetched and not yet
  applied was written; 0 for a partition with nothing in hand (ADR 0012).
- request latency: `http.server.duration`, recorded by the FastAPI instrumentation.

One set of instruments per process; each service runtime in it is a `MetricSource` (tests run several
services in one process), told apart by the `svu.service` attribute.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

meter = metrics.get_meter("svu_shared")


@dataclass
class MetricSource:
    """What one service reports; the runtime and its consumer keep these values current."""

    service: str
    outbox_backlog: int = 0
    consumer_lag: dict[tuple[str, int], int] = field(default_factory=dict)
    consumer_retrying: int = 0
    # When the oldest event in hand (fetched, not yet applied and committed) was written, per topic partition.
    oldest_unapplied: dict[tuple[str, int], float] = field(default_factory=dict)


_sources: list[MetricSource] = []


def register(source: MetricSource) -> MetricSource:
    _sources.append(source)
    return source


def unregister(source: MetricSource) -> None:
    if source in _sources:
        _sources.remove(source)


def _backlog(_options: CallbackOptions) -> Iterable[Observation]:
    return [Observation(s.outbox_backlog, {"svu.service": s.service}) for s in list(_sources)]


def _lag(_options: CallbackOptions) -> Iterable[Observation]:
    return [
        Observation(lag, {"svu.service": s.service, "messaging.destination.name": topic, "partition": partition})
        for s in list(_sources)
        for (topic, partition), lag in list(s.consumer_lag.items())
    ]


def _retrying(_options: CallbackOptions) -> Iterable[Observation]:
    return [Observation(s.consumer_retrying, {"svu.service": s.service}) for s in list(_sources)]


def _oldest_unapplied_age(_options: CallbackOptions) -> Iterable[Observation]:
    now = time.time()
    return [
        Observation(
            max(0.0, now - s.oldest_unapplied[(topic, partition)]) if (topic, partition) in s.oldest_unapplied else 0.0,
            {"svu.service": s.service, "messaging.destination.name": topic, "partition": partition},
        )
        for s in list(_sources)
        for topic, partition in sorted({*s.consumer_lag, *s.oldest_unapplied})
    ]


meter.create_observable_gauge(
    "svu.outbox.backlog", [_backlog], unit="{event}", description="Outbox rows not yet acknowledged by the broker"
)
meter.create_observable_gauge(
    "svu.consumer.lag", [_lag], unit="{record}", description="Records on the broker not yet applied and committed"
)
meter.create_observable_gauge(
    "svu.consumer.retrying", [_retrying], unit="{event}", description="Events the consumer is trying again now"
)
meter.create_observable_gauge(
    "svu.consumer.oldest_unapplied_age",
    [_oldest_unapplied_age],
    unit="s",
    description="Age of the oldest event fetched and not yet applied, per partition",
)
dead_letters = meter.create_counter(
    "svu.dead_letters", unit="{event}", description="Events sent to a dead-letter topic, with the reason in headers"
)
