"""Who may do what on the broker, and the topics the deploy scripts create (ADR 0021, ADR 0023).

    python -m deploy.broker_access scram-args                       the principals' --add-scram values, one a line
    python -m deploy.broker_access provision --bootstrap H:P [--replication N]
                                                                    topics with their retention, then the ACLs

One principal per service: it writes its own topic, reads the topics of its HANDLERS table and writes their
dead-letter topics, in consumer groups named after it. `admin` (these scripts, dlq_replay) and `broker`
(inter-broker and controller traffic) are super users. Nothing else is allowed: the broker's authorizer denies
what no ACL allows, and it creates no topic by itself.
"""

import argparse
import asyncio
import importlib
import sys
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.protocol.admin import CreateAclsRequest

from deploy.services import CATALOGUE_SERVICES
from svu_shared import local_kafka_security
from svu_shared.contracts import TOPICS
from svu_shared.inbox import topics_of
from svu_shared.kafka import SCRAM, KafkaAccess, dlq_topic, ensure_topics

SUPER_USERS = ("admin", "broker")
DAY_MS = 24 * 3600 * 1000
# Topic retention, explicit (ADR 0023): an event topic keeps a fortnight, more than any outage a consumer must
# catch up from (the outbox keeps what was never sent); a dead-letter topic a month, for operators to replay.
EVENT_RETENTION_MS = 14 * DAY_MS
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


# The web backend-for-frontend reads every service's topic only to tell browsers that something changed.
WEB = Principal("web", writes=(), reads=TOPICS, group_prefix="web-")


def principals() -> tuple[Principal, ...]:
    services = tuple(
        Principal(
            s.name,
            writes=(s.topic,) if s.topic else (),
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


def scram_args() -> list[str]:
    names = [*SUPER_USERS, *(p.name for p in principals())]
    return [f"{SCRAM}=[name={n},password={local_kafka_security.password(n)}]" for n in names]


async def provision(bootstrap: str, replication: int) -> None:
    access = KafkaAccess(bootstrap, "admin")
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.broker_access")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("scram-args")
    prov = sub.add_parser("provision")
    prov.add_argument("--bootstrap", required=True)
    prov.add_argument("--replication", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "scram-args":
        print("\n".join(scram_args()))
    else:
        asyncio.run(provision(args.bootstrap, args.replication))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
