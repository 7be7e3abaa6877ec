"""Benchmark: the producer ceiling of the same broker, measured with Kafka's own
`org.apache.kafka.tools.ProducerPerformance` from the broker jars: the physical reference for the figures above.

Records of about the size of one of our CloudEvents (~600 bytes), acks=all and idempotence as our relay sends.
"""

import asyncio
import os
import re
import resource
import subprocess

from bench.figures import figure
from bench.realparts import Parts
from deploy.local_system import ROOT
from svu_shared import local_kafka_security
from svu_shared.kafka import SCRAM, ensure_topics

RECORDS = int(os.environ.get("BENCH_PERF_RECORDS", "500000"))
RECORD_SIZE = 600
TOPIC = "bench.producer-ceiling"


def main(parts: Parts) -> list[dict]:
    asyncio.run(ensure_topics(parts.admin, [TOPIC]))  # the broker creates no topic by itself (ADR 0021)
    options = parts.admin.options()
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="admin" password="{options["sasl_plain_password"]}";'
    )
    # The security settings go in a properties file: `--producer-props` splits each on "=", which a JAAS line has.
    config = ROOT / ".local" / "bench" / "producer-ceiling.properties"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f"security.protocol=SASL_SSL\nsasl.mechanism={SCRAM}\nsasl.jaas.config={jaas}\n"
        f"ssl.truststore.type=PEM\nssl.truststore.location={local_kafka_security.CA_FILE}\n"
    )
    config.chmod(0o600)
    command = [
        "java", "-Xmx512m", "-cp", str(ROOT / ".local" / "kafka" / "libs" / "*"),
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic", TOPIC, "--num-records", str(RECORDS), "--record-size", str(RECORD_SIZE),
        "--throughput", "-1", "--producer.config", str(config),
        "--producer-props", f"bootstrap.servers={parts.bootstrap}", "acks=all", "enable.idempotence=true",
        "linger.ms=5",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        failed = f"{done.stdout[-2000:]}{done.stderr[-3000:]}"
        raise SystemExit(f"bench: ProducerPerformance failed ({done.returncode}):\n{failed}")
    out = done.stdout.strip().splitlines()[-1]
    # "500000 records sent, 81234.5 records/sec (46.48 MB/sec), 310.2 ms avg latency, ... 99th ..."
    rate = float(re.search(r"([\d.]+) records/sec", out).group(1))  # type: ignore[union-attr]
    mb = float(re.search(r"\(([\d.]+) MB/sec\)", out).group(1))  # type: ignore[union-attr]
    print(f"Kafka ProducerPerformance, {RECORDS} x {RECORD_SIZE} B, acks=all: {rate:,.0f} records/s ({mb} MB/s)")
    return [
        figure(
            "broker_producer_ceiling",
            round(rate),
            "records/s",
            record_bytes=RECORD_SIZE,
            megabytes_per_second=mb,
            tool="org.apache.kafka.tools.ProducerPerformance (Kafka 4.1.0)",
            summary=out,
            # The largest process this bench has waited for: the tool's JVM (-Xmx512m).
            peak_memory_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        )
    ]
