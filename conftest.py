"""Fixtures for the whole suite: real parts are started lazily, once per run, only for tests that ask."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local_system import DATABASE_SERVICES, ROOT, TEST_PORTS, ServiceProcess, service_processes
from tests.support.oidc import OidcProvider
from tests.support.realparts import Kafka, Postgres

# The tests trust the local development issuer, as make run does; a service outside dev mode fails closed (ADR 0024).
os.environ.setdefault("SVU_AUTH_MODE", "dev")
# The suites' stays are dated 2023-2025, most discharged long before today: the services (and the e2e processes,
# which inherit this environment) read them for a century instead of ADR 0025's 90 days after discharge. The
# need-to-know tests set the period themselves.
for _prefix in ("ADMISSION_", "PLANNING_", "DISCHARGE_"):
    os.environ.setdefault(f"{_prefix}READ_ACCESS_AFTER_DISCHARGE_DAYS", "36500")

# The fixtures that start a real part, and the marker of the tests using them (tests/fault's `cluster` is the
# three-node broker).
REAL_PARTS = {"postgres": "postgres", "kafka": "kafka", "cluster": "kafka", "oidc_provider": "oidc"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test by the real parts its fixtures start, so a run can deselect them by marker. (A fixture
    taken with request.getfixturevalue is not in the closure: the `database` fixture marks its own params.)"""
    for item in items:
        needs = set(getattr(item, "fixturenames", ()))
        for part in sorted({marker for fixture, marker in REAL_PARTS.items() if fixture in needs}):
            item.add_marker(part)


@pytest.fixture(scope="session")
def kafka() -> Iterator[Kafka]:
    broker = Kafka()
    broker.start(fresh=True)
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """The OpenID Connect provider (Keycloak, ADR 0018), one for the run; one already running on the port (a
    developer's) is used and left running."""
    provider = OidcProvider()
    started_here = not provider.running()
    provider.start()
    yield provider
    if started_here:
        provider.stop()


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
    """The five services on the test broker and PostgreSQL, one database each (the web application has none), for
    the e2e and browser tests."""
    urls = {name: postgres.fresh_database(f"svu_e2e_{name}") for name in DATABASE_SERVICES}
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
