"""The real broker and PostgreSQL for the messaging benchmarks, started by the project's own scripts.

A broker of its own (port 39092, fresh data) so figures are not skewed by what tests left on a topic; the
PostgreSQL server of the tests (port 55432), started if none runs. Both are stopped if the bench started them.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from deploy.local_system import ROOT
from svu_shared.kafka import KafkaAccess

KAFKA_PORT = int(os.environ.get("BENCH_KAFKA_PORT", "39092"))
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "55432"))


@dataclass(frozen=True)
class Parts:
    bootstrap: str
    pg_port: int

    @property
    def admin(self) -> KafkaAccess:
        """The deploy scripts' super user (ADR 0021): the benchmarks write and read topics of their own."""
        return KafkaAccess(self.bootstrap, "admin")

    def fresh_database(self, name: str) -> str:
        psql = ["psql", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "-q", "-c"]
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run([*psql, sql], check=True, capture_output=True)
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.pg_port}/{name}"


def _script(script: str, command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / script), command], env={**os.environ, **env}, capture_output=True, text=True)


@contextmanager
def real_parts() -> Iterator[Parts]:
    kafka_env = {"KAFKA_PORT": str(KAFKA_PORT), "KAFKA_DATA_DIR": str(ROOT / ".local" / f"kafka-bench-{KAFKA_PORT}")}
    pg_env = {"PGPORT": str(PG_PORT)}
    _script("deploy/kafka/kafka.sh", "stop", kafka_env)
    shutil.rmtree(kafka_env["KAFKA_DATA_DIR"], ignore_errors=True)
    pg_was_running = _script("deploy/postgres/postgres.sh", "status", pg_env).returncode == 0
    for script, env in (("deploy/kafka/kafka.sh", kafka_env), ("deploy/postgres/postgres.sh", pg_env)):
        started = _script(script, "start", env)
        if started.returncode != 0:
            raise SystemExit(f"bench: {script} start failed:\n{started.stdout}{started.stderr}")
    try:
        yield Parts(f"127.0.0.1:{KAFKA_PORT}", PG_PORT)
    finally:
        _script("deploy/kafka/kafka.sh", "stop", kafka_env)
        if not pg_was_running:
            _script("deploy/postgres/postgres.sh", "stop", pg_env)
