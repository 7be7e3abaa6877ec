"""docker-compose.yml parses, and every service, port, Dockerfile and variable it names exists in code; the one list
of services (services/services.toml) agrees with each service's settings and with the event contracts."""

import re
from pathlib import Path

import yaml

from deploy.services import CATALOGUE_SERVICES
from svu_shared.kafka import ALL_TOPICS

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {service.name: service for service in CATALOGUE_SERVICES}
# The services with a database of their own; the web application keeps none (ADR 0017).
DATABASE_SERVICES = {name: service for name, service in SERVICES.items() if service.database}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_describes_broker_database_collector_and_the_services():
    migrations = {f"{name}-migrate" for name in DATABASE_SERVICES}
    assert set(_compose()["services"]) == {"kafka", "postgres", "otel-collector", *SERVICES, *migrations}


def test_each_service_runs_as_its_own_role_after_its_owner_migrated():
    """ADR 0026: per-service credentials; the service does not migrate, a one-shot job does first as the owner."""
    compose = _compose()["services"]
    for name in DATABASE_SERVICES:
        prefix = f"{name.upper()}_"
        service, job = compose[name], compose[f"{name}-migrate"]
        assert f"//{name}_app:" in service["environment"][f"{prefix}DATABASE_URL"]
        assert service["environment"][f"{prefix}MIGRATE_ON_START"] == "false"
        assert service["depends_on"][f"{name}-migrate"] == {"condition": "service_completed_successfully"}
        assert f"//{name}_owner:" in job["environment"][f"{prefix}DATABASE_URL"]
        assert job["command"][-2:] == [name, "migrate"]
        assert job["build"] == service["build"]
        fields = SERVICES[name].settings_class().model_fields
        shared = {f.validation_alias for f in fields.values() if isinstance(f.validation_alias, str)}
        for variable in {*service["environment"], *job["environment"]} - shared:  # SVU_AUTH_MODE: one switch
            assert variable.removeprefix(prefix).lower() in fields


def test_every_service_port_dockerfile_and_variable_exists_in_code():
    compose = _compose()["services"]
    for name, service in SERVICES.items():
        settings = service.settings_class()
        prefix = settings.model_config["env_prefix"]
        fields = set(settings.model_fields)
        shared = {f.validation_alias for f in settings.model_fields.values() if isinstance(f.validation_alias, str)}
        spec = compose[name]
        for variable in set(spec["environment"]) - shared:  # SVU_AUTH_MODE is one switch for every service
            assert variable.startswith(prefix), f"{name}: {variable} lacks the prefix {prefix}"
            assert variable.removeprefix(prefix).lower() in fields, f"{name}: {variable} is not a setting"
        port = settings.model_fields["port"].default
        assert spec["ports"] == [f"{port}:{port}"]
        assert int(spec["environment"][f"{prefix}PORT"]) == port
        dockerfile = ROOT / spec["build"]["dockerfile"]
        assert dockerfile.exists()
        assert f'"-m", "{name}"' in dockerfile.read_text()
        assert (ROOT / "services" / name / name / "__main__.py").exists()


def test_mounted_files_exist():
    for spec in _compose()["services"].values():
        for volume in spec.get("volumes", []):
            if not volume.startswith("./.local/"):  # made on the host by `make token`
                assert (ROOT / volume.split(":")[0]).exists(), volume


def test_the_services_get_the_issuers_public_keys_and_never_its_signing_key():
    """ADR 0024: a container that is broken into must not be able to sign tokens. The four services that verify
    tokens; the web application's development sign-in (WEB_AUTH_MODE=dev, ADR 0017) mints them with the key."""
    for name in DATABASE_SERVICES:
        issuer_mounts = [v for v in _compose()["services"][name].get("volumes", []) if ".local/issuer" in v]
        assert issuer_mounts == ["./.local/issuer/jwks.json:/issuer/jwks.json:ro"], name


def test_the_list_of_services_agrees_with_their_settings_and_the_contracts():
    for service in CATALOGUE_SERVICES:
        settings = service.settings_class()
        assert settings.model_config["env_prefix"] == service.env_prefix
        assert settings.model_fields["port"].default == service.port
        assert (ROOT / "services" / service.name / service.name / "__main__.py").exists()
    assert [s.topic for s in CATALOGUE_SERVICES if s.topic] == list(ALL_TOPICS)
    assert len({s.port for s in CATALOGUE_SERVICES} | {s.test_port for s in CATALOGUE_SERVICES}) == 2 * len(SERVICES)


def test_every_service_image_is_pinned_and_runs_as_a_user_that_is_not_root():
    """ADR 0027: an exact base image (a digest, or an exact Python and Debian release), an exact uv, and a numeric
    non-root USER before the command."""
    for name in SERVICES:
        lines = [line.strip() for line in (ROOT / "services" / name / "Dockerfile").read_text().splitlines()]
        bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
        for base in bases:
            assert re.fullmatch(r"[\w./-]+(@sha256:[0-9a-f]{64}|:\d+\.\d+\.\d+-slim-[a-z]+)", base), f"{name}: {base}"
        installs = " ".join(line for line in lines if "pip install" in line)
        assert re.search(r"\buv==\d+\.\d+\.\d+\b", installs), f"{name}: uv is not pinned"
        users = [line.split()[1] for line in lines if line.startswith("USER ")]
        assert users and users[-1] not in ("root", "0"), f"{name}: runs as root"
        last_user = max(i for i, line in enumerate(lines) if line.startswith("USER "))
        assert last_user < max(i for i, line in enumerate(lines) if line.startswith("CMD ")), name
