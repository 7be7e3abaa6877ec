"""Wires the billing service: settings, runtime (database, relay, consumer of admission and discharge)."""

from pathlib import Path

from fastapi import FastAPI

from billing.adapters.tables import messaging
from billing.entrypoints import agreements, disputes, follow_up, invoices, municipalities, settlements, stays
from billing.service_layer.handlers import HANDLERS
from billing.settings import BillingSettings
from svu_shared.runtime import ServiceRuntime, service_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def bootstrap(settings: BillingSettings | None = None) -> FastAPI:
    settings = settings or BillingSettings()
    runtime = ServiceRuntime(
        name="billing",
        settings=settings,
        messaging=messaging,
        migrations_dir=MIGRATIONS,
        handlers=HANDLERS,
    )
    return service_app(
        runtime,
        title="SVU billing service",
        description="Betalningsansvar: ready periods, monthly settlement, invoices and follow-up.",
        routers=[
            stays.router,
            settlements.router,
            invoices.router,
            follow_up.router,
            agreements.router,
            municipalities.router,
            disputes.router,
        ],
    )
