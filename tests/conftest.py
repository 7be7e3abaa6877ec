"""Fixtures shared by the integration and fault tests (the real parts themselves are in the root conftest)."""

import pytest

from billing.adapters.tables import messaging as billing_messaging
from billing.bootstrap import MIGRATIONS as BILLING_MIGRATIONS
from billing.service_layer.handlers import HANDLERS as BILLING_HANDLERS
from billing.settings import BillingSettings
from svu_shared.runtime import ServiceRuntime
from tests.support.ids import unique_hex


@pytest.fixture
async def billing_runtime(kafka, database_url):  # type: ignore[no-untyped-def]
    """The billing service's runtime in-process (migrations, relay, consumer of svu.discharge), own group. The
    tests put discharge events in its outbox for its relay to publish, which billing's own principal may not
    (ADR 0021): it runs as the deploy scripts' admin."""
    settings = BillingSettings(
        database_url=database_url,
        kafka_bootstrap=kafka.bootstrap,
        kafka_username="admin",
        consumer_group=f"svu-billing-it-{unique_hex()[:8]}",
    )
    runtime = ServiceRuntime(
        name="billing",
        settings=settings,
        messaging=billing_messaging,
        migrations_dir=BILLING_MIGRATIONS,
        handlers={event: h for event, h in BILLING_HANDLERS.items() if event.topic == "svu.discharge"},
    )
    await runtime.start()
    yield runtime
    await runtime.stop()
