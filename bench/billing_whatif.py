"""Benchmark: finance's what-if over HTTP. GET /comparisons answers one month of a region (30,000 stays) under two
agreements (skane-2018 against the 00:00 proposal), from the facts billing has already consumed.

A billing database on the bench's PostgreSQL (BENCH_PG_PORT, started if none runs) holds three months of the
synthetic stays' facts (30,000 stays discharged in each of February, March and April 2023, with their spans, as the
consumer keeps them); the billing app answers in-process (ASGI through httpx, the same app and middleware as uvicorn
serves, with a finance bearer token); March is asked for again and again, one request at a time. The reference, in the
same run, is the bare SQL read of that month's facts (the query `FactRepository.of_months` sends, fetched by asyncpg,
no computation): what any answer from the database costs before billing does anything.
"""

import asyncio
import os
import random
import statistics
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import figure
from bench.synthetic_year import month_stays

ROOT = Path(__file__).resolve().parents[1]
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "55432"))
STAYS = int(os.environ.get("BENCH_WHATIF_STAYS", "30000"))
YEAR, MONTHS, ASKED = 2023, (2, 3, 4), "2023-03"
REQUESTS, WARM_UP, AFTER_NEW_FACT = 60, 5, 12
PARAMS = {"period": ASKED, "agreements": ["skane-2018", "skane-2018-midnight"]}


def _postgres(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "deploy/postgres/postgres.sh"), command],
        env={**os.environ, "PGPORT": str(PG_PORT)},
        capture_output=True,
        text=True,
    )


def _fresh_database(name: str) -> str:
    psql = ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-q", "-c"]
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run([*psql, sql], check=True, capture_output=True)
    return f"postgresql+asyncpg://postgres@127.0.0.1:{PG_PORT}/{name}"


async def _fill(url: str) -> int:
    """The three months' facts and spans, written as the consumer writes them (one row per event, one span per stay)."""
    import asyncpg

    rng = random.Random(2026)
    facts, spans = [], []
    for month in MONTHS:
        for stay in month_stays(rng, YEAR, month, STAYS):
            first_ready = min(at for _, _, _, event, at in stay if event == "discharge_ready")
            for stay_id, code, care, event, at in stay:
                facts.append(
                    (
                        uuid.uuid4().hex,
                        stay_id,
                        event,
                        at.astimezone(UTC),
                        code if event == "admission_notice" else None,
                        care if event == "admission_notice" else None,
                    )
                )
                if event == "discharged":
                    spans.append((stay_id, first_ready.astimezone(UTC), at.astimezone(UTC)))
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        columns = ["event_id", "stay_id", "kind", "at", "municipality", "care_type"]
        await connection.copy_records_to_table("stay_facts", records=facts, columns=columns)
        await connection.copy_records_to_table(
            "stay_spans", records=spans, columns=["stay_id", "first_ready_at", "ended_at"]
        )
        await connection.execute("ANALYZE stay_facts; ANALYZE stay_spans")
    finally:
        await connection.close()
    return len(facts)


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "max": round(max(samples), 1)}


async def _measure(url: str) -> tuple[list[float], list[float], list[float], int, dict]:
    import asyncpg
    import httpx

    from billing.adapters.repository import MONTH_FACTS_SQL, FactRepository
    from billing.bootstrap import bootstrap
    from billing.domain.calendar import Month
    from billing.domain.facts import FactKind, StayFact
    from billing.settings import BillingSettings
    from svu_shared.local_issuer import token

    # The local issuer's finance token (ADR 0024): the app trusts it only in development mode.
    app = bootstrap(BillingSettings(database_url=url, SVU_AUTH_MODE="dev"))
    headers = {"Authorization": f"Bearer {token('finance', 'SE2321000016-EKONOMI')}"}
    answer: dict = {}
    answered: list[float] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://billing") as http:
        for i in range(WARM_UP + REQUESTS):
            started = time.perf_counter()
            response = await http.get("/comparisons", params=PARAMS, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            if i >= WARM_UP:
                answered.append(elapsed)
            answer = response.json()
        # Right after a fact of the month comes (here a SIP invitation of one of its stays, as the consumer keeps it):
        # the month's mark changed, so the answer reads and computes the month again.
        after_new_fact: list[float] = []
        for i in range(AFTER_NEW_FACT):
            async with app.state.runtime.transaction() as session:
                when = datetime(2023, 3, 10, 9, i, tzinfo=UTC)
                await FactRepository(session).add(
                    StayFact(f"S202303{i:07d}", FactKind.SIP_INVITATION, when, f"bench-sip-{uuid.uuid4().hex}")
                )
            started = time.perf_counter()
            response = await http.get("/comparisons", params=PARAMS, headers=headers)
            after_new_fact.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    await app.state.runtime.engine.dispose()
    month = Month.parse(ASKED)
    bare = MONTH_FACTS_SQL.replace(":start", "$1").replace(":end", "$2")
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    read: list[float] = []
    rows = 0
    try:
        for i in range(WARM_UP + REQUESTS):
            started = time.perf_counter()
            rows = len(await connection.fetch(bare, month.start(), month.next().start()))
            if i >= WARM_UP:
                read.append((time.perf_counter() - started) * 1000)
    finally:
        await connection.close()
    return answered, after_new_fact, read, rows, answer


def main() -> list[dict]:
    from billing.bootstrap import MIGRATIONS
    from svu_shared.migrations import upgrade_to_head

    was_running = _postgres("status").returncode == 0
    started = _postgres("start")
    if started.returncode != 0:
        raise SystemExit(f"bench: postgres.sh start failed:\n{started.stdout}{started.stderr}")
    try:
        url = _fresh_database("bench_billing_whatif")
        upgrade_to_head(MIGRATIONS, url)
        facts = asyncio.run(_fill(url))
        answered, after_new_fact, read, rows, answer = asyncio.run(_measure(url))
    finally:
        if not was_running:
            _postgres("stop")
    http, sql, fresh = _percentiles(answered), _percentiles(read), _percentiles(after_new_fact)
    municipalities = len(answer["municipalities"])
    print(
        f"what-if over HTTP, {STAYS} stays of {ASKED} ({rows} facts of {facts} in the database), two agreements, "
        f"{municipalities} municipalities: p50 {http['p50']} ms, p95 {http['p95']} ms (target < 200 ms)"
    )
    print(
        f"right after a new fact of the month (read and computed again): p50 {fresh['p50']} ms, p95 {fresh['p95']} ms"
    )
    print(f"bare SQL read of the month's facts (asyncpg):  p50 {sql['p50']} ms, p95 {sql['p95']} ms")
    return [
        figure(
            "billing_whatif_http",
            http["p95"],
            "ms (p95)",
            ("bare_sql_read_of_the_months_facts", sql["p95"]),
            latency_ms=http,
            after_a_new_fact_latency_ms=fresh,
            reference_latency_ms=sql,
            target_p95_ms=200,
            stays=STAYS,
            facts_read=rows,
            facts_in_database=facts,
            municipalities=municipalities,
            requests=REQUESTS,
            agreements=PARAMS["agreements"],
        )
    ]
