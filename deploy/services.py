"""The list of services (services/services.toml), read once: deploy/, the tests and the compose contract test use
it, so a new service is added in one place (services/README.md has the checklist)."""

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[1] / "services" / "services.toml"


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    test_port: int
    topics: tuple[str, ...]
    env_prefix: str
    settings: str
    database: bool = True

    def settings_class(self) -> type:
        module, cls = self.settings.split(":")
        return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


CATALOGUE_SERVICES: tuple[Service, ...] = tuple(
    Service(**{**entry, "topics": tuple(entry["topics"])})
    for entry in tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))["service"]
)
