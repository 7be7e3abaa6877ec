"""ADR 0017: a replica starts reading each partition at its first event of the lookback, and at the end of a
partition with no event since then (the topics keep 400 days; a replica need not read them all to be live)."""

from datetime import UTC, datetime

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndTimestamp

from web.live import _FromLookback


class RecordingConsumer:
    """What the listener asks of aiokafka's consumer, with the answers a broker would give."""

    def __init__(self, first_since: dict[TopicPartition, int | None]) -> None:
        self.first_since = first_since
        self.asked: dict[TopicPartition, int] = {}
        self.seeks: dict[TopicPartition, int | str] = {}

    async def offsets_for_times(self, timestamps: dict[TopicPartition, int]) -> dict:
        self.asked = timestamps
        return {
            tp: None if (offset := self.first_since[tp]) is None else OffsetAndTimestamp(offset, timestamps[tp])
            for tp in timestamps
        }

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks[tp] = offset

    async def seek_to_end(self, *partitions: TopicPartition) -> None:
        self.seeks |= dict.fromkeys(partitions, "end")


async def test_each_partition_starts_at_its_first_event_of_the_lookback():
    old, quiet = TopicPartition("svu.admission", 0), TopicPartition("svu.admission", 1)
    consumer = RecordingConsumer({old: 4_711, quiet: None})
    since = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    await _FromLookback(consumer, since).on_partitions_assigned({old, quiet})
    assert consumer.asked == {old: int(since.timestamp() * 1000), quiet: int(since.timestamp() * 1000)}
    assert consumer.seeks == {old: 4_711, quiet: "end"}
