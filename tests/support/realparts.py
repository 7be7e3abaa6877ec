"""The real broker and database for the test run, started by the project's own scripts in deploy/.

One broker and one PostgreSQL server per test run. When they cannot be started the run fails loudly
(pytest.exit with the script's message), with or without CI=true: a missing real part never turns into
skipped tests.
"""

import os
import shutil
import subprocess

import pytest

from deploy.local_system import ROOT, wait_until
from svu_shared import local_kafka_security
from svu_shared.kafka import KafkaAccess

KAFKA_PORT = int(os.environ.get("SVU_TEST_KAFKA_PORT", "19092"))
CLUSTER_BASE_PORT = int(os.environ.get("SVU_TEST_KAFKA_CLUSTER_BASE_PORT", "29090"))
PG_PORT = int(os.environ.get("SVU_TEST_PG_PORT", "55432"))


def _run(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(ROOT / script), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        pytest.exit(
            f"{script} {' '.join(args)} failed (CI={os.environ.get('CI', '')}):\n{result.stdout}\n{result.stderr}",
            returncode=3,
        )
    return result.stdout


class Kafka:
    replication_factor = 1

    def __init__(self, port: int = KAFKA_PORT) -> None:
        self.port = port
        self.data = ROOT / ".local" / f"kafka-test-{port}"
        self.env = {"KAFKA_PORT": str(port), "KAFKA_DATA_DIR": str(self.data)}
        self.bootstrap = f"127.0.0.1:{port}"
        self.admin = KafkaAccess(self.bootstrap, "admin")  # the deploy scripts' super user (ADR 0021)

    def access(self, principal: str) -> KafkaAccess:
        return KafkaAccess(self.bootstrap, principal)

    def librdkafka(self, principal: str = "admin") -> dict[str, str]:
        """A client that is not ours (confluent-kafka, librdkafka) authenticates the same way (ADR 0021)."""
        options = self.access(principal).options()
        return {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": options["sasl_mechanism"],
            "sasl.username": principal,
            "sasl.password": options["sasl_plain_password"],
            "ssl.ca.location": str(local_kafka_security.CA_FILE),
        }

    def start(self, fresh: bool = False) -> None:
        if fresh:
            self.stop()
            shutil.rmtree(self.data, ignore_errors=True)
        _run("deploy/kafka/kafka.sh", "start", env=self.env)

    def stop(self) -> None:
        _run("deploy/kafka/kafka.sh", "stop", env=self.env)


class KafkaCluster:
    """Three KRaft nodes on loopback (deploy/kafka/cluster.sh): replication factor 3, min.insync.replicas 2."""

    replication_factor = 3
    nodes = (1, 2, 3)

    def __init__(self, base_port: int = CLUSTER_BASE_PORT) -> None:
        self.env = {"KAFKA_CLUSTER_BASE_PORT": str(base_port)}
        self.data = ROOT / ".local" / f"kafka-cluster-{base_port}"
        self.ports = {n: base_port + n for n in self.nodes}
        self.bootstrap = ",".join(f"127.0.0.1:{port}" for port in self.ports.values())
        self.admin = KafkaAccess(self.bootstrap, "admin")

    def start(self) -> None:
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)
        _run("deploy/kafka/cluster.sh", "start", env=self.env)

    def stop(self) -> None:
        _run("deploy/kafka/cluster.sh", "stop", env=self.env)

    def kill_node(self, node: int) -> None:
        """Loses one node abruptly (SIGKILL): no controlled shutdown, no leadership handed over first."""
        _run("deploy/kafka/cluster.sh", "stop-node", str(node), "KILL", env=self.env)

    def start_node(self, node: int) -> None:
        _run("deploy/kafka/cluster.sh", "start-node", str(node), env=self.env)


class Postgres:
    def __init__(self, port: int = PG_PORT) -> None:
        self.port = port
        self.env = {"PGPORT": str(port)}

    def start(self) -> None:
        _run("deploy/postgres/postgres.sh", "start", env=self.env)

    def stop(self) -> None:
        _run("deploy/postgres/postgres.sh", "stop", env=self.env)

    def running(self) -> bool:
        status = subprocess.run(
            [str(ROOT / "deploy/postgres/postgres.sh"), "status"], env={**os.environ, **self.env}, capture_output=True
        )
        return status.returncode == 0

    def fresh_database(self, name: str) -> str:
        """Drops and creates `name`; returns its async SQLAlchemy URL."""
        psql = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q", "-c"]
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run([*psql, sql], check=True, capture_output=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"


__all__ = ["ROOT", "Kafka", "KafkaCluster", "Postgres", "eventually", "wait_until"]


async def eventually(predicate, deadline_seconds: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll an async predicate until it is truthy; fails after the deadline. The state polled is written by
    another task or process, so there is no event of ours to wait on."""
    import asyncio

    try:
        async with asyncio.timeout(deadline_seconds):
            while True:
                if result := await predicate():
                    return result
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"timed out after {deadline_seconds}s waiting for {what}") from None
