"""A small system for fault tests: admission and planning processes on their own databases and consumer group,
posting notices for one municipality, and the reconciliation every fault test ends with."""

import asyncio
import subprocess
from dataclasses import dataclass, field

import httpx
from aiokafka.partitioner import DefaultPartitioner

from deploy.local_system import ROOT, ServiceProcess
from svu_shared.kafka import PARTITIONS
from tests.support.auth import municipality, ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import Kafka, KafkaCluster, Postgres, wait_until


@dataclass
class FaultSystem:
    kafka: Kafka | KafkaCluster
    postgres: Postgres
    municipality: str
    name: str
    processes: list[ServiceProcess] = field(default_factory=list)
    stays: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Planning's principal may join only groups named after it (ADR 0021).
        self.group = f"svu-planning-fault-{self.name}-{unique_hex()[:6]}"
        self.urls = {s: self.postgres.fresh_database(f"svu_fault_{self.name}_{s}") for s in ("admission", "planning")}

    def process(self, service: str, port: int) -> ServiceProcess:
        prefix = service.upper()
        env = {
            f"{prefix}_PORT": str(port),
            f"{prefix}_KAFKA_BOOTSTRAP": self.kafka.bootstrap,
            f"{prefix}_DATABASE_URL": self.urls[service],
            f"{prefix}_CONSUMER_GROUP": self.group,
        }
        log = ROOT / ".local" / "test-run" / f"fault-{self.name}-{service}-{port}.log"
        proc = ServiceProcess(service, port, env, log)
        self.processes.append(proc)
        return proc

    def running(self, *services: tuple[str, int]) -> list[ServiceProcess]:
        """Starts each (service, port) and returns them once every one is healthy."""
        procs = [self.process(service, port) for service, port in services]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.wait_healthy()
        return procs

    def notice(self, stay_id: str) -> dict[str, str]:
        return admission_notice(stay_id, self.municipality, "SE-FAULT")

    def stays_on_every_partition(self, per_partition: int) -> list[str]:
        """New stay ids, `per_partition` keyed to each partition of a topic (the producer's default partitioner)."""
        partition = DefaultPartitioner()
        wanted: dict[int, list[str]] = {p: [] for p in range(PARTITIONS)}
        while any(len(ids) < per_partition for ids in wanted.values()):
            stay_id = f"{self.name}-{unique_hex()[:10]}"
            ids = wanted[partition(stay_id.encode(), list(range(PARTITIONS)), list(range(PARTITIONS)))]
            if len(ids) < per_partition:
                ids.append(stay_id)
        return [stay_id for ids in wanted.values() for stay_id in ids]

    async def post_notices(
        self, admission: ServiceProcess, count: int, retry_unavailable: bool = False, stays: list[str] | None = None
    ) -> None:
        """Wards post `count` admission notices (or one per given stay id), 20 at a time; with retry_unavailable
        a 503 is retried."""
        stays = stays or [f"{self.name}-{unique_hex()[:10]}" for _ in range(count)]
        limit = asyncio.Semaphore(20)
        async with httpx.AsyncClient(base_url=admission.url, headers=ward("SE-FAULT"), timeout=30) as client:

            async def post(stay_id: str) -> None:
                async with limit:
                    while True:
                        r = await client.post("/admission-notices", json=self.notice(stay_id))
                        if r.status_code == 503 and retry_unavailable:
                            await asyncio.sleep(0.2)  # the ward's client retries after Retry-After
                            continue
                        # 200: a retry of a notice whose first answer was lost but which was recorded.
                        assert r.status_code == 201 or (retry_unavailable and r.status_code == 200), r.text
                        return

            await asyncio.gather(*(post(s) for s in stays))
        self.stays += stays

    def cases(self, planning: ServiceProcess) -> list[dict]:
        try:
            r = httpx.get(
                f"{planning.url}/cases",
                params={"limit": 1000},
                headers=municipality(self.municipality),
                timeout=5,
            )
        except httpx.HTTPError:
            return []
        return r.json()["items"] if r.status_code == 200 else []

    def our_cases(self, planning: ServiceProcess) -> list[str]:
        mine = set(self.stays)
        return [c["stay_id"] for c in self.cases(planning) if c["stay_id"] in mine]

    def reconcile(self, planning: ServiceProcess, timeout: float = 90) -> None:
        """Every notice applied exactly once: one case per stay, and one CaseOpened event id per stay.
        (Earlier tests' stays of the same municipality may be there too: this test looks at its own.)"""
        wait_until(
            lambda: len(self.our_cases(planning)) >= len(self.stays),
            timeout=timeout,
            what=f"{len(self.stays)} cases for {self.municipality}",
        )
        assert sorted(self.our_cases(planning)) == sorted(self.stays)
        # Applied once: planning published exactly one CaseOpened per stay (its outbox is part of its state;
        # a second application would have written a second row with a new event id).
        opened = self.planning_rows("select key, count(*) from outbox group by key")
        assert {stay: opened.get(stay) for stay in self.stays} == {stay: "1" for stay in self.stays}

    def planning_rows(self, sql: str) -> dict[str, str]:
        database = self.urls["planning"].rsplit("/", 1)[1]
        out = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.postgres.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-tA",
                "-F",
                ",",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return dict(line.split(",", 1) for line in out.stdout.splitlines() if line)

    def stop(self) -> None:
        for proc in self.processes:
            proc.stop()
