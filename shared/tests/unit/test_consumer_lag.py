"""The consumer-lag gauge's value: records on the broker beyond what this consumer has applied and committed."""

from aiokafka import TopicPartition

from svu_shared.consumer import EventConsumer
from svu_shared.metrics import MetricSource


class FakeConsumer:
    """The three things _record_lag asks of an aiokafka consumer."""

    def __init__(self, highwater: dict[TopicPartition, int | None], position: dict[TopicPartition, int]) -> None:
        self._highwater = highwater
        self._position = position

    def assignment(self) -> set[TopicPartition]:
        return set(self._highwater)

    def highwater(self, tp: TopicPartition) -> int | None:
        return self._highwater[tp]

    async def position(self, tp: TopicPartition) -> int:
        return self._position[tp]


async def test_lag_is_highwater_minus_position_per_partition_and_unknown_highwater_is_not_reported():
    a0, a1, d0 = (
        TopicPartition("svu.admission", 0),
        TopicPartition("svu.admission", 1),
        TopicPartition("svu.discharge", 0),
    )
    source = MetricSource("planning")
    consumer = EventConsumer(service="planning", inbox=None, dead_letters=None, metrics=source)  # type: ignore[arg-type]
    await consumer._record_lag(FakeConsumer({a0: 120, a1: 7, d0: None}, {a0: 100, a1: 7, d0: 0}))  # type: ignore[arg-type]
    assert source.consumer_lag == {("svu.admission", 0): 20, ("svu.admission", 1): 0}
