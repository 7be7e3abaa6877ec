"""A municipality's SVU team reading only what concerns it, straight from Kafka (ADR 0010).

    .venv/bin/python examples/municipality_consumer.py --municipality 1281 [--bootstrap 127.0.0.1:9092] [--follow]

Reads the admission, planning and discharge topics (contracts: contracts/asyncapi.json) and prints one line per
event for the municipality's patients: admission notices registered in it, and every later event of those stays
(corrections, cancellation, transfer, discharge-ready, SIP steps, discharge). Without --follow it
stops when it has read to the end of the topics. Uses only aiokafka and the JSON of the CloudEvents.
"""

import argparse
import asyncio
import json

from aiokafka import AIOKafkaConsumer

TOPICS = ("svu.admission", "svu.planning", "svu.discharge")


def concerns(event: dict, municipality: str, our_stays: set[str]) -> bool:
    data = event["data"]
    if data.get("municipality") == municipality or data.get("receiver_id") == municipality:
        our_stays.add(event["subject"])
        return True
    return event["subject"] in our_stays  # a later event of a stay already known to be ours


async def read(bootstrap: str, municipality: str, follow: bool) -> list[str]:
    consumer = AIOKafkaConsumer(
        *TOPICS, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    lines: list[str] = []
    our_stays: set[str] = set()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    event = json.loads(record.value)
                    if concerns(event, municipality, our_stays):
                        line = f"{event['time']} {event['type']} stay={event['subject']} {json.dumps(event['data'])}"
                        print(line, flush=True)
                        lines.append(line)
            if not follow and not batches and await _at_end(consumer):
                return lines
    finally:
        await consumer.stop()


async def _at_end(consumer: AIOKafkaConsumer) -> bool:
    assigned = consumer.assignment()
    end = await consumer.end_offsets(list(assigned))
    return bool(assigned) and all([await consumer.position(tp) >= end[tp] for tp in assigned])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipality", required=True, help="kommunkod, e.g. 1281")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--follow", action="store_true", help="keep reading new events")
    args = parser.parse_args()
    asyncio.run(read(args.bootstrap, args.municipality, args.follow))


if __name__ == "__main__":
    main()
