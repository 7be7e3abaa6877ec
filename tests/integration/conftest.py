"""Fixtures of the integration tests: the span exporter, the database each leg of a suite runs on, and each
service in-process on a fresh database of that kind (HTTP through the ASGI transport, events fed through its
inbox)."""

from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from discharge.bootstrap import bootstrap as discharge_app
from discharge.settings import DischargeSettings
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from tests.support.ids import unique_hex
from tests.support.inprocess import Database, in_process

# One suite, two databases (architecture §5): every test taking `database` (or a service fixture below) runs once
# on PostgreSQL and once on SQLite, the embedded default of `make run`. The PostgreSQL leg is marked `postgres`
# (`make unit` deselects it); the SQLite leg needs no server and no broker.
DATABASES = [
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("sqlite", marks=pytest.mark.sqlite),
]


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Every span of the session, in memory (one tracer provider per process: the first set wins)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # before the services' setup_telemetry, which then keeps it
    return exporter


@pytest.fixture(scope="module", params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The kind of database of this leg. Module scope, so a module's fixtures that outlive one test (the access
    matrix's services) share the leg; PostgreSQL is only started when its leg runs."""
    if request.param == "sqlite":
        directory: Path = tmp_path_factory.mktemp("sqlite")
        return Database("sqlite", lambda name: f"sqlite+aiosqlite:///{directory / name}.db")
    postgres = request.getfixturevalue("postgres")
    return Database("postgresql", postgres.fresh_database)


async def _service(database: Database, name: str, app, settings):  # type: ignore[no-untyped-def]
    url = database.fresh(f"svu_it_{name}_{unique_hex()[:6]}")
    async with in_process(app, settings(database_url=url)) as service:
        yield service


@pytest.fixture
async def admission(database):  # type: ignore[no-untyped-def]
    async for service in _service(database, "admission", admission_app, AdmissionSettings):
        yield service


@pytest.fixture
async def planning(database):  # type: ignore[no-untyped-def]
    async for service in _service(database, "planning", planning_app, PlanningSettings):
        yield service


@pytest.fixture
async def discharge(database):  # type: ignore[no-untyped-def]
    async for service in _service(database, "discharge", discharge_app, DischargeSettings):
        yield service
