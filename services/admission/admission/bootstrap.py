"""Wires the admission service: settings, runtime (database, outbox relay, consumer of the discharge), routes."""

from pathlib import Path

from fastapi import FastAPI

from admission.adapters.tables import messaging
from admission.entrypoints.api import router
from admission.service_layer.handlers import HANDLERS
from admission.settings import AdmissionSettings
from svu_shared.runtime import ServiceRuntime, service_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def bootstrap(settings: AdmissionSettings | None = None) -> FastAPI:
    settings = settings or AdmissionSettings()
    runtime = ServiceRuntime(
        name="admission", settings=settings, messaging=messaging, migrations_dir=MIGRATIONS, handlers=HANDLERS
    )
    return service_app(
        runtime,
        title="SVU admission service",
        description="Inskrivningsmeddelanden: wards post admission notices for stays.",
        routers=[router],
    )
