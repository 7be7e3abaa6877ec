"""Each service's entry point (ADR 0026): `python -m <service>` serves; `python -m <service> migrate` upgrades the
service's database to head and exits. The migration runs as the database's owner role (its URL in
`<PREFIX>DATABASE_URL` for that one command), the service as a role that may only read and write rows, so the
schema (and the audit log's guard) can only change in this separate step, never at a service's start in production.
"""

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI

from svu_shared.http_app import serve
from svu_shared.migrations import upgrade_to_head
from svu_shared.settings import ServiceSettings

USAGE = "usage: python -m <service> [migrate]"
Settings = TypeVar("Settings", bound=ServiceSettings)


def serve_or_migrate(bootstrap: Callable[[Settings], FastAPI], settings: Settings, migrations_dir: Path) -> None:
    """The app is built only to serve: migrating needs no token verifier, broker or telemetry."""
    args = sys.argv[1:]
    if not args:
        # Several workers (`<PREFIX>WORKERS`, ADR 0020): uvicorn imports the factory in each worker process.
        serve(f"{bootstrap.__module__}:{bootstrap.__name__}" if settings.workers > 1 else bootstrap(settings), settings)
    elif args == ["migrate"]:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        upgrade_to_head(migrations_dir, settings.database_url)
    else:
        sys.exit(USAGE)
