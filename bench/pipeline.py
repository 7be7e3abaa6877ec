"""Benchmark: admission notices over HTTP, and the time from a ward's request until planning has applied it.

Admission and planning run as real processes (uvicorn) on PostgreSQL and the bench broker, admission with
`BENCH_ADMISSION_WORKERS` worker processes (2: one per core) and planning with one. A lean load generator in this
process (`bench/http_client.py`) posts notices; the latency of one notice is the planning inbox row's `received_at`
(written in the handler's transaction) minus the moment the request was sent, joined through admission's outbox
(stay id -> event id). Two runs:

- a fixed offered load (open loop: requests leave on schedule whatever the answers do), below saturation;
- saturation (closed loop: a fixed number of clients, each sending its next request on the last answer).

The reference in the same run is `bench/bare_http.py`: the same uvicorn with as many workers, answering 201 without
doing anything, under the same load generator and clients (the ceiling of the machine's HTTP before any work).

The services listen on `BENCH_HTTP_PORT` (admission), the port after it (planning) and the one after that (the
reference), 38001 by default.
"""

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.figures import figure
from bench.http_client import Pool
from bench.measure import CpuMeter, children, peak_memory_mb, run
from bench.realparts import Parts
from deploy.local_system import ROOT, ServiceProcess
from tests.support.auth import bearer
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice  # one shape of a notice for tests and bench

FIXED_RATE = float(os.environ.get("BENCH_FIXED_RATE", "200"))  # notices per second
FIXED_SECONDS = float(os.environ.get("BENCH_FIXED_SECONDS", "15"))
SATURATION_CLIENTS = int(os.environ.get("BENCH_SATURATION_CLIENTS", "32"))
SATURATION_NOTICES = int(os.environ.get("BENCH_SATURATION_NOTICES", "4000"))
ADMISSION_WORKERS = int(os.environ.get("BENCH_ADMISSION_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_HTTP_PORT", "38001"))  # admission's; planning's is the next one


@dataclass
class Sent:
    stay_id: str
    sent_at: float  # wall clock, comparable with the database's timestamps on this host
    answered_at: float
    status: int


async def _post(client: Pool, stay_id: str) -> Sent:
    sent_at = time.time()
    status, _ = await client.post("/admission-notices", admission_notice(stay_id, care_unit="SE-BENCH"))
    return Sent(stay_id, sent_at, time.time(), status)


async def fixed_load(client: Pool, rate: float, seconds: float) -> list[Sent]:
    start = time.monotonic()
    tasks = []
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        tasks.append(asyncio.create_task(_post(client, f"fixed-{unique_hex()[:12]}")))
    return list(await asyncio.gather(*tasks))


async def saturation(client: Pool, clients: int, notices: int) -> list[Sent]:
    queue = [f"sat-{unique_hex()[:12]}" for _ in range(notices)]
    results: list[Sent] = []

    async def worker() -> None:
        while queue:
            results.append(await _post(client, queue.pop()))

    await asyncio.gather(*(worker() for _ in range(clients)))
    return results


APPLIED_WITHIN_SECONDS = 300


async def applied_latencies(admission_db: str, planning_db: str, sent: list[Sent]) -> list[float]:
    """Seconds from request to planning's inbox row, per notice; waits (polling) until all are applied."""
    admission, planning = create_async_engine(admission_db), create_async_engine(planning_db)
    try:
        async with admission.connect() as conn:
            rows = await conn.execute(text("select key, event_id from outbox"))
            event_of = {key: event_id for key, event_id in rows}
        wanted = {event_of[s.stay_id]: s for s in sent}
        deadline = time.monotonic() + APPLIED_WITHIN_SECONDS
        while True:
            async with planning.connect() as conn:
                rows = await conn.execute(text("select event_id, received_at from inbox"))
                applied = {event_id: at.timestamp() for event_id, at in rows if event_id in wanted}
            if len(applied) == len(wanted) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        if len(applied) != len(wanted):
            missing = len(wanted) - len(applied)
            raise SystemExit(f"bench: {missing} notices not applied within {APPLIED_WITHIN_SECONDS} s")
        return [applied[event_id] - s.sent_at for event_id, s in wanted.items()]
    finally:
        await admission.dispose()
        await planning.dispose()


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _figures(label: str, sent: list[Sent], latencies: list[float], offered: float | None) -> dict:
    failed = [s for s in sent if s.status != 201]
    if failed:
        raise SystemExit(f"bench: {len(failed)} notices were not accepted (first: HTTP {failed[0].status})")
    seconds = max(s.answered_at for s in sent) - min(s.sent_at for s in sent)
    p50, p99 = _percentiles(latencies)
    http_p50, http_p99 = _percentiles([s.answered_at - s.sent_at for s in sent])
    print(
        f"{label}: {len(sent)} notices, {len(sent) / seconds:,.0f} accepted/s; "
        f"request->planning applied p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
        f"(HTTP answer p50 {http_p50 * 1000:.0f} ms, p99 {http_p99 * 1000:.0f} ms)"
    )
    return figure(
        f"admission_notices_{label}",
        round(len(sent) / seconds, 1),
        "notices/s accepted over HTTP",
        offered_per_second=offered,
        admission_workers=ADMISSION_WORKERS,
        notices=len(sent),
        applied_latency_ms={"p50": round(p50 * 1000, 1), "p99": round(p99 * 1000, 1)},
        http_latency_ms={"p50": round(http_p50 * 1000, 1), "p99": round(http_p99 * 1000, 1)},
    )


def bare_http_rate(port: int) -> float:
    """Notices/s the reference app (`bench/bare_http.py`) answers under the saturation load."""
    command = [sys.executable, "-m", "uvicorn", "bench.bare_http:app", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen([*command, "--workers", str(ADMISSION_WORKERS)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        return run(_bare(port))
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _bare(port: int) -> float:
    client = Pool("127.0.0.1", port, bearer("ward", "SE-BENCH"))
    try:
        await saturation(client, 4, 100)
        sent = await saturation(client, SATURATION_CLIENTS, SATURATION_NOTICES)
    finally:
        await client.close()
    return len(sent) / (max(s.answered_at for s in sent) - min(s.sent_at for s in sent))


def main(parts: Parts) -> list[dict]:
    dbs = {s: parts.fresh_database(f"svu_bench_{s}") for s in ("admission", "planning")}
    processes = []
    for service, port, workers in (("admission", PORT, ADMISSION_WORKERS), ("planning", PORT + 1, 1)):
        prefix = service.upper()
        env = {
            f"{prefix}_PORT": str(port),
            f"{prefix}_KAFKA_BOOTSTRAP": parts.bootstrap,
            f"{prefix}_DATABASE_URL": dbs[service],
            "SVU_AUTH_MODE": "dev",  # the local issuer's tokens (ADR 0024)
            f"{prefix}_WORKERS": str(workers),
            # One client and one user send every notice: the limits (ADR 0025) are not what is measured.
            f"{prefix}_RATE_LIMIT_PER_CLIENT": "1000000/minute",
            f"{prefix}_RATE_LIMIT_PER_USER": "1000000/minute",
        }
        processes.append(ServiceProcess(service, port, env, ROOT / ".local" / "bench" / f"{service}.log"))
    try:
        for proc in processes:
            proc.start()
        for proc in processes:
            proc.wait_healthy()
        pids = {proc.name: proc.process.pid for proc in processes if proc.process is not None}
        figures = run(_run(PORT, dbs, CpuMeter(pids, parts.pg_port, int(parts.bootstrap.rsplit(":", 1)[1]))))
        # Each process's peak resident memory: admission's uvicorn supervisor and its workers, planning's process.
        peaks = {
            proc.name: [peak_memory_mb(pid) for pid in children(proc.process.pid)] for proc in processes if proc.process
        }
    finally:
        for proc in processes:
            proc.stop()
    reference = bare_http_rate(PORT + 2)
    print(f"reference, uvicorn answering 201 and nothing else: {reference:,.0f} requests/s")
    ref = {"name": "bare_uvicorn_same_load", "value": round(reference, 1), "unit": "requests/s answered"}
    return [{**f, "reference": ref, "peak_memory_mb": peaks} for f in figures]


async def _run(port: int, dbs: dict[str, str], cpu: CpuMeter) -> list[dict]:
    client = Pool("127.0.0.1", port, bearer("ward", "SE-BENCH"))
    try:
        warm_up = await saturation(client, 4, 100)  # connections, planning's consumer joining its group
        await applied_latencies(dbs["admission"], dbs["planning"], warm_up)
        cpu.start()
        fixed = await fixed_load(client, FIXED_RATE, FIXED_SECONDS)
        fixed_latencies = await applied_latencies(dbs["admission"], dbs["planning"], fixed)
        fixed_cpu = cpu.stop(len(fixed))
        cpu.start()
        saturated = await saturation(client, SATURATION_CLIENTS, SATURATION_NOTICES)
        saturated_latencies = await applied_latencies(dbs["admission"], dbs["planning"], saturated)
        saturated_cpu = cpu.stop(len(saturated))
    finally:
        await client.close()
    for label, used in (("fixed_load", fixed_cpu), ("saturation", saturated_cpu)):
        print(f"{label}: CPU ms per notice: " + ", ".join(f"{name} {ms}" for name, ms in used.items()))
    return [
        {**_figures("fixed_load", fixed, fixed_latencies, FIXED_RATE), "cpu_ms_per_notice": fixed_cpu},
        {**_figures("saturation", saturated, saturated_latencies, None), "cpu_ms_per_notice": saturated_cpu},
    ]
