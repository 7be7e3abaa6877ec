"""Wires the discharge service: settings, runtime (database, outbox relay, consumer of admission), routes."""

from pathlib import Path

from fastapi import FastAPI

from discharge.adapters.tables import messaging
from discharge.entrypoints.api import router
from discharge.service_layer.handlers import HANDLERS
from discharge.settings import DischargeSettings
from svu_shared.runtime import ServiceRuntime, service_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def bootstrap(settings: DischargeSettings | None = None) -> FastAPI:
    settings = settings or DischargeSettings()
    runtime = ServiceRuntime(
        name="discharge",
        settings=settings,
        messaging=messaging,
        migrations_dir=MIGRATIONS,
        handlers=HANDLERS,
    )
    return service_app(
        runtime,
        title="SVU discharge service",
        description="Utskrivningsklar, återkallelse och utskrivning: what the ward records on a patient's way out.",
        routers=[router],
    )
