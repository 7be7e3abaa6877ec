"""ADR 0007: a 3-node KRaft cluster on loopback (replication factor 3, min.insync.replicas 2) loses one broker
under load without losing an acknowledged event.

Two levels: our producer adapter (idempotent, acks=all) sending a steady stream while the leader of a partition
is killed with SIGKILL, every acknowledged record read back exactly once; and the services themselves (admission
posting through its outbox, planning consuming) reconciled after the same loss.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from svu_shared.kafka import KafkaAccess, ensure_topics, new_producer
from tests.fault.system import FaultSystem
from tests.support.ids import unique_hex
from tests.support.realparts import KafkaCluster
from tests.support.topics import read_topic

RECORDS = 3000
KILL_AFTER = 1000  # acknowledged records before one broker is lost


@pytest.fixture(scope="module")
def cluster() -> Iterator[KafkaCluster]:
    nodes = KafkaCluster()
    nodes.start()
    yield nodes
    nodes.stop()


async def test_losing_a_partition_leader_under_load_loses_no_acknowledged_record(cluster):
    topic = f"cluster-probe-{unique_hex()[:6]}"
    await ensure_topics(cluster.admin, [topic], replication_factor=3)
    producer = new_producer(cluster.admin)
    await producer.start()
    acked: list[str] = []
    failed: list[str] = []
    acked_after_kill = 0
    killed: int | None = None
    try:
        await producer.partitions_for(topic)
        leader = producer.client.cluster.leader_for_partition(TopicPartition(topic, 0))
        for start in range(0, RECORDS, 50):
            batch = [f"r{i:05d}" for i in range(start, start + 50)]
            sends = [producer.send_and_wait(topic, value.encode(), key=value.encode()) for value in batch]
            for value, outcome in zip(batch, await asyncio.gather(*sends, return_exceptions=True), strict=True):
                if isinstance(outcome, KafkaError):
                    failed.append(value)  # not acknowledged: the producer makes no promise about it
                elif isinstance(outcome, BaseException):
                    raise outcome
                else:
                    acked.append(value)
                    acked_after_kill += killed is not None
            if killed is None and len(acked) >= KILL_AFTER:
                await asyncio.to_thread(cluster.kill_node, leader)
                killed = leader
    finally:
        await producer.stop()

    assert killed is not None
    # min.insync.replicas 2 of 3: the two brokers left still accept acks=all writes, so the load went on.
    assert acked_after_kill >= (RECORDS - KILL_AFTER) * 0.9, (acked_after_kill, len(failed))
    survivors = ",".join(f"127.0.0.1:{port}" for node, port in cluster.ports.items() if node != killed)
    read = [record.value.decode() for record in await read_topic(KafkaAccess(survivors, "admin"), topic)]
    counts = Counter(read)
    assert [v for v in acked if counts[v] != 1] == []  # every acknowledged record is there, exactly once
    assert set(read) <= set(acked) | set(failed)
    await asyncio.to_thread(cluster.start_node, killed)


async def test_services_on_the_cluster_lose_a_broker_mid_posting_and_apply_every_notice_once(cluster, postgres):
    municipality = "2584"  # Kiruna: no other test posts for it
    system = FaultSystem(cluster, postgres, municipality, "cluster")
    try:
        admission, planning = system.running(("admission", 18151), ("planning", 18152))
        await system.post_notices(admission, 150)
        posting = asyncio.create_task(system.post_notices(admission, 300, retry_unavailable=True))
        await asyncio.to_thread(cluster.kill_node, 1)
        await posting
        system.reconcile(planning, timeout=120)
    finally:
        system.stop()
        await asyncio.to_thread(cluster.start_node, 1)
