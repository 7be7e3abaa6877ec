"""Wires the planning service: settings, runtime (database, relay, consumer of admission and discharge)."""

from pathlib import Path

from fastapi import FastAPI

from planning.adapters.batch import batched
from planning.adapters.tables import messaging, parked_events
from planning.entrypoints import cases, due, feed, follow_up, messages, records, stays
from planning.service_layer.handlers import HANDLERS
from planning.settings import PlanningSettings
from svu_shared.runtime import ServiceRuntime, service_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def bootstrap(settings: PlanningSettings | None = None) -> FastAPI:
    settings = settings or PlanningSettings()
    runtime = ServiceRuntime(
        name="planning",
        settings=settings,
        messaging=messaging,
        migrations_dir=MIGRATIONS,
        handlers=HANDLERS,
        parked=parked_events,
        batching=batched,
    )
    return service_app(
        runtime,
        title="SVU planning service",
        description="Ärenden per mottagare: municipalities and primary care plan the way home.",
        routers=[
            cases.router,
            stays.router,
            messages.router,
            records.router,
            due.router,
            follow_up.router,
            feed.router,
        ],
    )
