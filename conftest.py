"""Fixtures for the whole suite: real parts are started lazily, once per run, only for tests that ask."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local_system import ROOT, SERVICES, ServiceProcess, service_processes
from tests.support.realparts import Kafka, Postgres

TEST_PORTS = {"admission": 18001, "planning": 18002, "discharge": 18003, "billing": 18004}


@pytest.fixture(scope="session")
def kafka() -> Iterator[Kafka]:
    broker = Kafka()
    broker.start(fresh=True)
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    server = Postgres()
    started_here = not server.running()
    server.start()
    yield server
    if started_here:
        server.stop()


@pytest.fixture
def database_url(postgres: Postgres) -> str:
    """A fresh PostgreSQL database for one test."""
    return postgres.fresh_database(f"svu_t_{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="session")
def running_services(kafka: Kafka, postgres: Postgres) -> Iterator[dict[str, ServiceProcess]]:
    """The four services on the test broker and PostgreSQL, one database each, for the e2e tests."""
    urls = {name: postgres.fresh_database(f"svu_e2e_{name}") for name in SERVICES}
    run_dir: Path = ROOT / ".local" / "test-run"
    procs = service_processes(kafka.bootstrap, urls, run_dir, TEST_PORTS)
    for proc in procs.values():
        proc.start()
    try:
        for proc in procs.values():
            proc.wait_healthy()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()
