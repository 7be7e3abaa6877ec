"""Reading a topic from the beginning to its current end, for reconciliations that count records."""

import asyncio

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from svu_shared.kafka import PARTITIONS, KafkaAccess


async def read_topic(access: KafkaAccess, topic: str) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(**access.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]  # every topic of ours has PARTITIONS
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        async with asyncio.timeout(60):
            while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
                batches = await consumer.getmany(timeout_ms=1000)
                records += [r for tp, batch in batches.items() for r in batch if r.offset < end[tp]]
        return records
    finally:
        await consumer.stop()
