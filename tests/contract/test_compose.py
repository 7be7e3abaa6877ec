"""docker-compose.yml parses, and every service, port, Dockerfile and variable it names exists in code; the one list
of services (services/services.toml) agrees with each service's settings and with the event contracts; the broker is
secured as the deploy scripts secure theirs (ADR 0021), as far as that can be read without running Docker."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy import broker_access
from deploy.services import CATALOGUE_SERVICES
from svu_shared import local_kafka_security
from svu_shared.kafka import ALL_TOPICS

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {service.name: service for service in CATALOGUE_SERVICES}
# The services with a database of their own; the web application keeps none (ADR 0017).
DATABASE_SERVICES = {name: service for name, service in SERVICES.items() if service.database}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_describes_broker_database_collector_and_the_services():
    migrations = {f"{name}-migrate" for name in DATABASE_SERVICES}
    expected = {"kafka", "kafka-setup", "postgres", "otel-collector", *SERVICES, *migrations}
    assert set(_compose()["services"]) == expected


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
    compose = _compose()
    for spec in compose["services"].values():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith("./"):  # a named volume
                assert source in compose["volumes"], volume
            elif not volume.startswith("./.local/"):  # made on the host by `make token`
                assert (ROOT / source).exists(), volume


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
    assert [t for s in CATALOGUE_SERVICES for t in s.topics] == list(ALL_TOPICS)
    assert len({s.port for s in CATALOGUE_SERVICES} | {s.test_port for s in CATALOGUE_SERVICES}) == 2 * len(SERVICES)


def test_every_service_image_is_pinned_and_runs_as_a_user_that_is_not_root():
    """ADR 0027: an exact base image (a digest, or an exact Python and Debian release), an exact uv, and a numeric
    non-root USER before the command; the same for the kafka-setup job's image."""
    dockerfiles = {name: ROOT / "services" / name / "Dockerfile" for name in SERVICES}
    dockerfiles["kafka-setup"] = ROOT / _compose()["services"]["kafka-setup"]["build"]["dockerfile"]
    for name, dockerfile in dockerfiles.items():
        lines = [line.strip() for line in dockerfile.read_text().splitlines()]
        bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
        for base in bases:
            assert re.fullmatch(r"[\w./-]+(@sha256:[0-9a-f]{64}|:\d+\.\d+\.\d+-slim-[a-z]+)", base), f"{name}: {base}"
        installs = " ".join(line for line in lines if "pip install" in line)
        assert re.search(r"\buv==\d+\.\d+\.\d+\b", installs), f"{name}: uv is not pinned"
        users = [line.split()[1] for line in lines if line.startswith("USER ")]
        assert users and users[-1] not in ("root", "0"), f"{name}: runs as root"
        last_user = max(i for i, line in enumerate(lines) if line.startswith("USER "))
        assert last_user < max(i for i, line in enumerate(lines) if line.startswith("CMD ")), name


# The broker (ADR 0021). Compose cannot run here, so these read what can be read: the broker's configuration as its
# entrypoint renders it from deploy/kafka/server.properties.in, the one-shot job that provisions it, the secrets.

SECRETS_DIR = "./.local/kafka-security/compose/"


def _secrets_of(spec: dict) -> dict[str, str]:
    """target name -> compose secret, for one service."""
    return {s["target"]: s["source"] for s in spec.get("secrets", [])}


def _broker_configuration(tmp_path: Path) -> dict[str, str]:
    """What deploy/compose/kafka-broker.sh gives the broker, rendered by the script itself from the same template as
    deploy/kafka/kafka.sh (with a stand-in password)."""
    kafka = _compose()["services"]["kafka"]
    assert kafka["entrypoint"] == ["/bin/sh", "/svu/kafka-broker.sh"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in kafka["volumes"]}
    assert mounts["/svu/kafka-broker.sh"] == "./deploy/compose/kafka-broker.sh"
    assert mounts["/svu/server.properties.in"] == "./deploy/kafka/server.properties.in"
    assert all(v.endswith(":ro") for v in kafka["volumes"] if v.startswith("./"))
    (tmp_path / "broker.password").write_text("stand-in-password\n")
    rendered = subprocess.run(
        ["sh", str(ROOT / "deploy/compose/kafka-broker.sh"), "render"],
        env={
            "PATH": "/usr/bin:/bin",
            "SVU_SECRETS_DIR": str(tmp_path),
            "SVU_BROKER_TEMPLATE": str(ROOT / "deploy/kafka/server.properties.in"),
        },
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    assert not re.search(r"@[A-Z_]+@", rendered), "a placeholder of the template is left"
    lines = [line for line in rendered.splitlines() if line.strip() and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_the_compose_broker_has_no_plaintext_listener(tmp_path):
    config = _broker_configuration(tmp_path)
    protocols = dict(entry.split(":") for entry in config["listener.security.protocol.map"].split(","))
    assert protocols == {"CLIENT": "SASL_SSL", "CONTROLLER": "SSL"}
    listeners = dict(entry.split("://") for entry in config["listeners"].split(","))
    assert set(listeners) == set(protocols)
    assert listeners == {"CLIENT": "0.0.0.0:9092", "CONTROLLER": "127.0.0.1:9093"}  # the controller: loopback only
    assert config["advertised.listeners"] == "CLIENT://kafka:9092"
    assert config["controller.listener.names"] == "CONTROLLER"
    assert config["inter.broker.listener.name"] == "CLIENT"
    assert config["sasl.enabled.mechanisms"] == config["sasl.mechanism.inter.broker.protocol"] == "SCRAM-SHA-512"
    assert config["listener.name.controller.ssl.client.auth"] == "required"
    jaas = config["listener.name.client.scram-sha-512.sasl.jaas.config"]
    assert 'username="broker" password="stand-in-password"' in jaas
    assert "PLAINTEXT" not in "".join(config.values()).replace("SASL_SSL", "")
    # Its key store and trust store are the compose secrets mounted for it.
    secrets = _secrets_of(_compose()["services"]["kafka"])
    assert config["ssl.keystore.location"] == f"{tmp_path}/broker.pem" and secrets["broker.pem"] == "kafka-broker-pem"
    assert config["ssl.truststore.location"] == f"{tmp_path}/ca.pem" and secrets["ca.pem"] == "kafka-ca"


def test_the_compose_broker_denies_what_no_acl_allows_and_creates_no_topic(tmp_path):
    config = _broker_configuration(tmp_path)
    assert config["auto.create.topics.enable"] == "false"
    assert config["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert config["allow.everyone.if.no.acl.found"] == "false"
    assert config["super.users"] == ";".join(f"User:{u}" for u in broker_access.SUPER_USERS)
    # The image's own configuration from KAFKA_* variables is not used: the entrypoint is ours.
    assert set(_compose()["services"]["kafka"]["environment"]) == {"KAFKA_HEAP_OPTS"}


def test_the_compose_broker_is_formatted_with_every_principals_scram_credentials():
    """As kafka.sh: `kafka-storage format --add-scram` for each line of the credentials broker_access writes, then the
    server; the health check is an authenticated request."""
    kafka = _compose()["services"]["kafka"]
    assert _secrets_of(kafka) == {
        "broker.pem": "kafka-broker-pem",
        "ca.pem": "kafka-ca",
        "broker.password": "kafka-password-broker",
        "scram-credentials": "kafka-scram-credentials",
    }
    script = (ROOT / "deploy/compose/kafka-broker.sh").read_text()
    assert 'set -- "$@" --add-scram "$credential"' in script
    assert 'done <"$secrets/scram-credentials"' in script
    format_at = script.index('"$kafka/bin/kafka-storage.sh" format')
    assert format_at < script.index('exec "$kafka/bin/kafka-server-start.sh" "$config"')
    assert "--command-config /etc/kafka/client.properties" in kafka["healthcheck"]["test"][1]
    assert "/var/lib/kafka/data" in [v.split(":")[1] for v in kafka["volumes"]]
    assert kafka["ports"] == ["127.0.0.1:9092:9092"]


def test_a_one_shot_job_creates_the_topics_and_acls_before_any_service_starts():
    compose = _compose()["services"]
    setup = compose["kafka-setup"]
    assert setup["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    command = setup["command"]
    assert command[:4] == ["/app/.venv/bin/python", "-m", "deploy.broker_access", "provision"]
    args = broker_access.parser().parse_args(command[3:])
    assert args.bootstrap == "kafka:9092"
    secrets = _secrets_of(setup)
    assert args.password_file == "/run/secrets/kafka-password" and secrets["kafka-password"] == "kafka-password-admin"
    assert args.ca_file == "/run/secrets/kafka-ca.pem" and secrets["kafka-ca.pem"] == "kafka-ca"
    assert args.wait > 0
    # Its image holds every service package (the ACLs follow from each one's HANDLERS table) and deploy/.
    lines = [line.strip() for line in (ROOT / setup["build"]["dockerfile"]).read_text().splitlines()]
    assert "RUN uv sync --frozen --no-dev" in lines
    assert "COPY deploy deploy" in lines
    for name in SERVICES:
        assert compose[name]["depends_on"]["kafka-setup"] == {"condition": "service_completed_successfully"}, name


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_is_its_own_principal_with_a_password_from_a_secret(name):
    compose = _compose()
    spec = compose["services"][name]
    prefix = SERVICES[name].env_prefix
    env = spec["environment"]
    assert env[f"{prefix}KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env[f"{prefix}KAFKA_SECURITY"] == "SASL_SSL"
    assert env[f"{prefix}KAFKA_USERNAME"] == name
    assert name in {p.name for p in broker_access.principals()}
    assert f"{prefix}KAFKA_PASSWORD" not in env
    secrets = _secrets_of(spec)
    # Its own password and the CA, nothing else (compose mounts secrets read-only under /run/secrets).
    assert secrets == {"kafka-password": f"kafka-password-{name}", "kafka-ca.pem": "kafka-ca"}
    assert env[f"{prefix}KAFKA_PASSWORD_FILE"] == "/run/secrets/kafka-password"
    assert env[f"{prefix}KAFKA_CA_FILE"] == "/run/secrets/kafka-ca.pem"
    settings = SERVICES[name].settings_class()
    assert {"kafka_password_file", "kafka_ca_file", "kafka_username"} <= set(settings.model_fields)


def test_no_password_is_written_in_the_compose_file():
    compose = _compose()
    for name, spec in compose["services"].items():
        for variable, value in (spec.get("environment") or {}).items():
            if "KAFKA" in variable:
                assert "PASSWORD" not in variable or variable.endswith("_PASSWORD_FILE"), (name, variable)
            assert "password=" not in str(value).lower(), (name, variable)
    for secret in compose["secrets"].values():
        assert set(secret) == {"file"} and secret["file"].startswith(SECRETS_DIR)


def test_make_compose_secrets_writes_every_secret_the_compose_file_names(tmp_path, monkeypatch):
    monkeypatch.setattr(local_kafka_security, "DIRECTORY", tmp_path)
    monkeypatch.setattr(local_kafka_security, "CA_FILE", tmp_path / "ca.pem")
    monkeypatch.setattr(local_kafka_security, "BROKER_PEM", tmp_path / "broker.pem")
    target = broker_access.compose_secrets()
    assert target == tmp_path / "compose" and target.stat().st_mode & 0o777 == 0o700
    written = {p.name for p in target.iterdir()}
    named = {s["file"].removeprefix(SECRETS_DIR) for s in _compose()["secrets"].values()}
    assert named == written
    for principal in [*broker_access.SUPER_USERS, *SERVICES]:
        assert (target / f"{principal}.password").read_text() == local_kafka_security.password(principal)
    credentials = (target / "scram-credentials").read_text().splitlines()
    assert [re.search(r"name=([a-z-]+),", c).group(1) for c in credentials] == broker_access.principal_names()
    assert (target / "ca.pem").read_bytes() == local_kafka_security.CA_FILE.read_bytes()
    assert "$(PY) -m deploy.broker_access compose-secrets" in (ROOT / "Makefile").read_text()
    # Every secret a service names is defined, and each is used.
    used = {s["source"] for spec in _compose()["services"].values() for s in spec.get("secrets", [])}
    assert used == set(_compose()["secrets"])


def test_every_image_is_pinned_to_an_exact_version():
    for name, spec in _compose()["services"].items():
        if "image" in spec:
            assert re.fullmatch(r"[\w./-]+(@sha256:[0-9a-f]{64}|:\d+(\.\d+)+)", spec["image"]), name
    # The compose broker is the version of the scripts' broker jars.
    jars = re.search(r"<kafka.version>([\d.]+)</kafka.version>", (ROOT / "deploy/kafka/pom.xml").read_text())
    assert jars and _compose()["services"]["kafka"]["image"] == f"apache/kafka:{jars.group(1)}"
