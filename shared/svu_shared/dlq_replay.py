"""Replay a dead-letter topic after a fix: every record goes back to the topic it came from, with its key.

    python -m svu_shared.dlq_replay --topic svu.discharge.dlq [--bootstrap 127.0.0.1:9092] [--consumer billing]

It writes to every service's topic, so it runs as the operators' `admin` principal (ADR 0021): the password from
SVU_KAFKA_PASSWORD, the CA from SVU_KAFKA_CA_FILE, or the local development ones.

Consumers that had applied an event before skip it (inbox dedup by event id); the one that dead-lettered it
tries again. The replayer commits its own offsets (group `svu-dlq-replay`), so a record is replayed once;
it stops when it has caught up with the end of the topic as it was at start.
"""

import argparse
import asyncio
import os
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from svu_shared.kafka import KafkaAccess, new_producer

DLQ_HEADER_PREFIX = "svu.dlq."


async def replay(access: KafkaAccess, topic: str, consumer_name: str | None = None) -> int:
    consumer = AIOKafkaConsumer(
        **access.options(), group_id="svu-dlq-replay", enable_auto_commit=False, auto_offset_reset="earliest"
    )
    producer: AIOKafkaProducer = new_producer(access)
    await consumer.start()
    await producer.start()
    replayed = 0
    try:
        partitions = [
            TopicPartition(topic, p)
            for p in (consumer.partitions_for_topic(topic) or await _partitions(consumer, topic))
        ]
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        while await _behind(consumer, end):
            batches = await consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                for record in records:
                    headers = dict(record.headers or [])
                    if consumer_name and headers.get("svu.dlq.consumer", b"").decode() != consumer_name:
                        continue
                    original = headers["svu.dlq.topic"].decode()
                    kept = [(k, v) for k, v in record.headers or [] if not k.startswith(DLQ_HEADER_PREFIX)]
                    await producer.send_and_wait(original, record.value, key=record.key, headers=kept)
                    replayed += 1
                if records:
                    await consumer.commit({tp: records[-1].offset + 1})
    finally:
        await producer.stop()
        await consumer.stop()
    return replayed


async def _behind(consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> bool:
    for tp, last in end.items():
        if await consumer.position(tp) < last:
            return True
    return False


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m svu_shared.dlq_replay", description=__doc__.split("\n")[0])
    parser.add_argument("--topic", required=True, help="the dead-letter topic, e.g. svu.discharge.dlq")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--consumer", help="replay only what this service dead-lettered (svu.dlq.consumer)")
    args = parser.parse_args(argv)
    if not args.topic.endswith(".dlq"):
        print(f"dlq_replay: {args.topic!r} is not a dead-letter topic (<topic>.dlq)", file=sys.stderr)
        return 2
    access = KafkaAccess(
        args.bootstrap, "admin", os.environ.get("SVU_KAFKA_PASSWORD"), ca_file=os.environ.get("SVU_KAFKA_CA_FILE")
    )
    count = asyncio.run(replay(access, args.topic, args.consumer))
    print(f"replayed {count} record(s) from {args.topic}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
