"""Who may do what on the broker, and the topics the deploy scripts create (ADR 0021, ADR 0023).

    python -m deploy.broker_access scram-args                       the principals' --add-scram values, one a line
    python -m deploy.broker_access provision --bootstrap H:P [--replication N]
                                                                    topics with their retention, then the ACLs
        [--password-file F --ca-file F] as admin with these (default: the local development ones)
        [--wait SECONDS]                retried while the broker cannot be reached or authenticate yet
    python -m deploy.broker_access compose-secrets                  the files docker-compose.yml's secrets name

One principal per service: it writes its own topics, reads the topics of its HANDLERS table and writes their
dead-letter topics, in consumer groups named after it. `admin` (these scripts, dlq_replay) and `broker`
(inter-broker and controller traffic) are super users. Nothing else is allowed: the broker's authorizer denies
what no ACL allows, and it creates no topic by itself.
"""

import argparse
import asyncio
import importlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.protocol.admin import CreateAclsRequest

from deploy.services import CATALOGUE_SERVICES
from svu_shared import local_kafka_security
from svu_shared.contracts import TOPICS, PatientIdentified
from svu_shared.inbox import topics_of
from svu_shared.kafka import SCRAM, KafkaAccess, dlq_topic, ensure_topics

SUPER_USERS = ("admin", "broker")
DAY_MS = 24 * 3600 * 1000
# Topic retention, explicit (ADR 0023): an event topic keeps 400 days, a billing year and its disputes, so a
# service's state can be rebuilt from the topics (svu_shared.rebuild, ADR 0020); a dead-letter topic a month, for
# operators to replay.
EVENT_RETENTION_MS = 400 * DAY_MS
DLQ_RETENTION_MS = 30 * DAY_MS


@dataclass(frozen=True)
class Principal:
    name: str
    writes: tuple[str, ...]
    reads: tuple[str, ...]
    group_prefix: str


def _handled_topics(service: str) -> tuple[str, ...]:
    """The topics of the service's HANDLERS table (ADR 0013); a service that consumes nothing has none."""
    try:
        module = importlib.import_module(f"{service}.service_layer.handlers")
    except ModuleNotFoundError:
        return ()
    return topics_of(getattr(module, "HANDLERS", {}))


# The web backend-for-frontend reads every service's topic only to tell browsers that something changed; never the
# patient's identity, which planning alone reads (ADR 0028).
WEB = Principal("web", writes=(), reads=tuple(t for t in TOPICS if t != PatientIdentified.topic), group_prefix="web-")


def principals() -> tuple[Principal, ...]:
    services = tuple(
        Principal(
            s.name,
            writes=s.topics,
            reads=_handled_topics(s.name),
            group_prefix=f"svu-{s.name}",
        )
        for s in CATALOGUE_SERVICES
        if s.name != WEB.name
    )
    return (*services, WEB)


# Kafka's protocol codes (org.apache.kafka.common.acl / resource).
TOPIC, GROUP = 2, 3
LITERAL, PREFIXED = 3, 4
READ, WRITE, DESCRIBE = 3, 4, 8
ALLOW = 3


def acls(principal: Principal) -> list[tuple[int, str, int, int]]:
    """(resource type, name, pattern type, operation) the principal is allowed; Write on a topic implies the
    idempotent producer's right (KIP-679)."""
    rules = [(TOPIC, t, LITERAL, op) for t in principal.writes for op in (WRITE, DESCRIBE)]
    rules += [(TOPIC, t, LITERAL, op) for t in principal.reads for op in (READ, DESCRIBE)]
    if principal.name != WEB.name:  # a consumer's dead letters (ADR 0002); the web service dead-letters nothing
        rules += [(TOPIC, dlq_topic(t), LITERAL, op) for t in principal.reads for op in (WRITE, DESCRIBE)]
    if principal.reads:
        rules += [(GROUP, principal.group_prefix, PREFIXED, op) for op in (READ, DESCRIBE)]
    return rules


def principal_names() -> list[str]:
    """Every principal that has SCRAM credentials: the super users, then the services and web."""
    return [*SUPER_USERS, *(p.name for p in principals())]


def scram_args() -> list[str]:
    return [f"{SCRAM}=[name={n},password={local_kafka_security.password(n)}]" for n in principal_names()]


# docker-compose.yml's secrets (ADR 0021, "Compose"): files under .local/kafka-security/compose/.
COMPOSE_CA, COMPOSE_BROKER_PEM, COMPOSE_SCRAM = "ca.pem", "broker.pem", "scram-credentials"


def compose_password_file(principal: str) -> str:
    return f"{principal}.password"


def compose_secrets() -> Path:
    """Copies the local CA, the broker's key store and each principal's password, and writes the broker's
    --add-scram values (one a line), into `.local/kafka-security/compose/` for docker-compose.yml's `secrets:`
    (`make compose-secrets`). Compose bind-mounts a secret file as it is on the host (owner and mode: it cannot set
    them outside Swarm), and the containers run as users that are not the host's, so the files are readable
    (0444) and the directory is not (0700): on the host only its owner reaches them, in a container only the
    secrets that service names are mounted. Made again each time from the same sources, so it never drifts."""
    local_kafka_security.ensure()
    target = local_kafka_security.DIRECTORY / "compose"
    target.mkdir(mode=0o700, exist_ok=True)
    target.chmod(0o700)
    files = {
        COMPOSE_CA: local_kafka_security.CA_FILE.read_text(),
        COMPOSE_BROKER_PEM: local_kafka_security.BROKER_PEM.read_text(),
        COMPOSE_SCRAM: "".join(f"{line}\n" for line in scram_args()),
    }
    files |= {compose_password_file(n): local_kafka_security.password(n) for n in principal_names()}
    for name, content in files.items():
        fd, staging = tempfile.mkstemp(dir=target, prefix=".staging-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(staging, 0o444)
        os.replace(staging, target / name)
    return target


async def provision(bootstrap: str, replication: int, password: str | None = None, ca_file: str | None = None) -> None:
    access = KafkaAccess(bootstrap, "admin", password, ca_file=ca_file)
    await ensure_topics(access, list(TOPICS), replication, {"retention.ms": str(EVENT_RETENTION_MS)})
    await ensure_topics(access, [dlq_topic(t) for t in TOPICS], replication, {"retention.ms": str(DLQ_RETENTION_MS)})
    admin = AIOKafkaAdminClient(**access.options())
    await admin.start()
    try:
        # A topic made before retention was explicit gets it too.
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t, {"retention.ms": str(EVENT_RETENTION_MS)}) for t in TOPICS]
            + [
                ConfigResource(ConfigResourceType.TOPIC, dlq_topic(t), {"retention.ms": str(DLQ_RETENTION_MS)})
                for t in TOPICS
            ]
        )
        for principal in principals():
            for resource, name, pattern, operation in acls(principal):
                request = CreateAclsRequest(resource, name, pattern, f"User:{principal.name}", "*", operation, ALLOW)
                response = await admin._send_to_controller(request)
                for error_code, message, *_ in response.creation_responses:
                    if error_code:
                        raise RuntimeError(f"ACL for {principal.name} on {name}: error {error_code} {message}")
    finally:
        await admin.close()


def provision_until(bootstrap: str, replication: int, password: str | None, ca_file: str | None, wait: float) -> None:
    """provision(), tried again for `wait` seconds while it fails (a broker opens its port before it can
    authenticate); idempotent, so a partial attempt is simply completed by the next."""
    deadline = time.monotonic() + wait
    while True:
        try:
            asyncio.run(provision(bootstrap, replication, password, ca_file))
            return
        except Exception as exc:
            if time.monotonic() >= deadline:
                raise
            print(f"broker_access: provisioning failed ({type(exc).__name__}: {exc}); retrying", file=sys.stderr)
            time.sleep(1)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.broker_access")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("scram-args")
    sub.add_parser("compose-secrets")
    prov = sub.add_parser("provision")
    prov.add_argument("--bootstrap", required=True)
    prov.add_argument("--replication", type=int, default=1)
    prov.add_argument("--password-file", help="admin's password (default: the local development one)")
    prov.add_argument("--ca-file", help="the CA that signed the broker's certificate (default: the local one)")
    prov.add_argument("--wait", type=float, default=0, help="seconds to keep retrying while it fails")
    return parser


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.command == "scram-args":
        print("\n".join(scram_args()))
    elif args.command == "compose-secrets":
        print(compose_secrets())
    else:
        password = Path(args.password_file).read_text(encoding="utf-8").strip() if args.password_file else None
        provision_until(args.bootstrap, args.replication, password, args.ca_file, args.wait)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
