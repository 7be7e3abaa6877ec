"""Live updates (ADR 0017): when a change concerns an organisation, the pages its users have open refresh the parts
that changed, without reload.

Every replica reads every topic in a consumer group of its own, so each replica sees every event and tells the
browsers connected to it; no replica needs to know of another. The event itself never reaches the browser: the
browser is told only "something about stay X changed" (server-sent event `changed`, and `stay-X` for pages of
that stay) and fetches the changed parts with its own token, so the services' access rules decide what it sees.

Who is concerned: the parties of the stay (its ward, its municipality, its vårdcentral), learnt from the
admission notices, corrections, transfers and cases the replica has read; each replica reads the topics' last
`live_lookback_days` when it starts to learn them, and tells browsers only of events newer than its start.
Billing's events concern finance and the municipality they name."""

import asyncio
import contextlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener

from svu_shared.kafka import KafkaAccess, start_with_retry

log = logging.getLogger(__name__)
FINANCE = "role:finance"


def org(value: Any) -> str | None:
    return f"org:{value}" if value else None


def parties_named(event_type: str, data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(channels this event adds to the stay's parties, channels concerned by this event alone)."""
    named = {
        org(data.get(key))
        for key in ("care_unit", "municipality", "primary_care_unit", "to_care_unit", "new_municipality", "receiver_id")
    } - {None}
    once = {org(data.get("from_care_unit")), org(data.get("sender_org"))} - {None}
    if ".billing." in event_type:
        once |= named | {FINANCE}
        return set(), once  # type: ignore[return-value]
    return named, once  # type: ignore[return-value]


class Hub:
    """The browsers connected to this replica, by channel; each connection has a queue of stay ids."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)
        self._parties: dict[str, set[str]] = defaultdict(set)

    def learn(self, stay_id: str, channels: set[str]) -> None:
        self._parties[stay_id] |= channels

    def tell(self, stay_id: str, extra: set[str] = frozenset()) -> int:  # type: ignore[assignment]
        told = 0
        for channel in self._parties.get(stay_id, set()) | extra:
            for queue in self._listeners.get(channel, ()):
                queue.put_nowait(stay_id)
                told += 1
        return told

    @contextlib.contextmanager
    def listen(self, channels: list[str]) -> Any:
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        for channel in channels:
            self._listeners[channel].add(queue)
        try:
            yield queue
        finally:
            for channel in channels:
                self._listeners[channel].discard(queue)

    def apply(self, event_type: str, stay_id: str, data: dict[str, Any], fresh: bool) -> None:
        learnt, once = parties_named(event_type, data)
        self.learn(stay_id, learnt)
        if fresh:
            self.tell(stay_id, once)


class _FromLookback(ConsumerRebalanceListener):  # type: ignore[misc]
    """Each assigned partition starts at its first event of the lookback (aiokafka's `offsets_for_times`); a
    partition with none since then starts at its end."""

    def __init__(self, consumer: AIOKafkaConsumer, since: datetime) -> None:
        self._consumer, self._since = consumer, since

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        moment = int(self._since.timestamp() * 1000)
        found = await self._consumer.offsets_for_times({tp: moment for tp in assigned})
        for tp in assigned:
            if (at := found.get(tp)) is not None:
                self._consumer.seek(tp, at.offset)
            else:
                await self._consumer.seek_to_end(tp)


async def follow(
    hub: Hub, access: KafkaAccess, topics: tuple[str, ...], stop: asyncio.Event, lookback_days: int = 30
) -> None:
    """Reads the events of the last `lookback_days` and every new one (this replica's own group) and tells the hub."""
    started = datetime.now(UTC) - timedelta(seconds=5)
    group = f"web-{uuid.uuid4().hex[:12]}"

    def make() -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            **access.options(), group_id=group, auto_offset_reset="earliest", enable_auto_commit=True
        )

    consumer = await start_with_retry(make, "web live updates", stop)
    if consumer is None:
        return
    consumer.subscribe(topics=list(topics), listener=_FromLookback(consumer, started - timedelta(days=lookback_days)))
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for records in batches.values():
                for record in records:
                    _apply_record(hub, record.value, started)
    finally:
        await consumer.stop()


def _apply_record(hub: Hub, raw: bytes | None, started: datetime) -> None:
    try:
        envelope = json.loads(raw or b"")
        moment = datetime.fromisoformat(envelope["time"])
        hub.apply(str(envelope["type"]), str(envelope["subject"]), dict(envelope["data"]), fresh=moment >= started)
    except (ValueError, KeyError, TypeError) as exc:  # not ours to judge: the services dead-letter bad events
        log.debug("web live updates: skipped an unreadable record (%s)", type(exc).__name__)


async def stream(hub: Hub, channels: list[str], disconnected: Any) -> AsyncIterator[dict[str, str]]:
    """The server-sent events of one browser tab: `changed` for any change that concerns it, `stay-<id>` too."""
    with hub.listen(channels) as queue:
        yield {"event": "connected", "data": ""}
        while not await disconnected():
            try:
                stay_id = await asyncio.wait_for(queue.get(), timeout=15)
            except TimeoutError:
                continue  # the library's ping keeps the connection open; this checks for a disconnect
            yield {"event": "changed", "data": stay_id}
            yield {"event": f"stay-{stay_id}", "data": stay_id}
