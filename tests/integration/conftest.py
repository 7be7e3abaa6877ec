"""Fixtures of the integration tests: the span exporter, and each service in-process on a fresh PostgreSQL
database (HTTP through the ASGI transport, events fed through its inbox)."""

import uuid

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
from tests.support.inprocess import in_process


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Every span of the session, in memory (one tracer provider per process: the first set wins)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # before the services' setup_telemetry, which then keeps it
    return exporter


async def _service(postgres, name: str, app, settings):  # type: ignore[no-untyped-def]
    url = postgres.fresh_database(f"svu_it_{name}_{uuid.uuid4().hex[:6]}")
    async with in_process(app, settings(database_url=url)) as service:
        yield service


@pytest.fixture
async def admission(postgres):  # type: ignore[no-untyped-def]
    async for service in _service(postgres, "admission", admission_app, AdmissionSettings):
        yield service


@pytest.fixture
async def planning(postgres):  # type: ignore[no-untyped-def]
    async for service in _service(postgres, "planning", planning_app, PlanningSettings):
        yield service


@pytest.fixture
async def discharge(postgres):  # type: ignore[no-untyped-def]
    async for service in _service(postgres, "discharge", discharge_app, DischargeSettings):
        yield service
