"""Benchmark: the web application as its users feel it (figures, not tests).

1. The municipality's inbox page with 5,000 open cases: p50 and p95 of rendering `GET /inbox` (the web service
   asks planning for the page of cases and renders it), with planning's `GET /cases` alone as the same-run
   reference. The cases are made the real way: 5,000 admission notices through admission's HTTP API, the relay,
   the broker and planning's consumer.
2. Live-update latency: a real Chromium has the inbox open; a ward posts a notice; the time from admission's
   answer (its commit is before it) until the new row is in the page's DOM, p50 and p99 over 40 notices; the
   reference is when planning's API first lists the case (polled in the same run).

Admission, planning and web run as real processes on PostgreSQL and the bench broker, on ports 380xx.
"""

import asyncio
import os
import statistics
import subprocess
import time

import httpx
from playwright.async_api import async_playwright

from bench.figures import figure
from bench.realparts import Parts
from deploy.local_system import ROOT, ServiceProcess
from tests.support.auth import bearer
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice

CASES = int(os.environ.get("BENCH_INBOX_CASES", "5000"))
RENDERS = int(os.environ.get("BENCH_INBOX_RENDERS", "60"))
LIVE_NOTICES = int(os.environ.get("BENCH_LIVE_NOTICES", "40"))
WARD, MUNICIPALITY = "SE2321000016-BENCHAVD", "1280"
# The live-latency notices go to another municipality, whose inbox shows each new case on its first page (Malmö's
# 5,000 open cases would put it on a later one).
LIVE_MUNICIPALITY = "1283"
PORTS = {"admission": 38101, "planning": 38102, "web": 38100}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main(parts: Parts) -> list[dict]:
    dbs = {s: parts.fresh_database(f"svu_bench_web_{s}") for s in ("admission", "planning")}
    run_dir = ROOT / ".local" / "bench"
    processes = {}
    for service in ("admission", "planning"):
        prefix = service.upper()
        env = {
            f"{prefix}_PORT": str(PORTS[service]),
            f"{prefix}_KAFKA_BOOTSTRAP": parts.bootstrap,
            f"{prefix}_DATABASE_URL": dbs[service],
            "SVU_AUTH_MODE": "dev",  # the local issuer's tokens (ADR 0024)
            # One load generator is one client and one user on purpose: lift the per-client and per-user limits.
            f"{prefix}_RATE_LIMIT_PER_CLIENT": "1000000/minute",
            f"{prefix}_RATE_LIMIT_PER_USER": "1000000/minute",
        }
        processes[service] = ServiceProcess(service, PORTS[service], env, run_dir / f"{service}-web.log")
    processes["web"] = ServiceProcess(
        "web",
        PORTS["web"],
        {
            "WEB_PORT": str(PORTS["web"]),
            "WEB_PUBLIC_URL": f"http://127.0.0.1:{PORTS['web']}",
            "WEB_AUTH_MODE": "dev",
            "SVU_AUTH_MODE": "dev",
            "WEB_KAFKA_BOOTSTRAP": parts.bootstrap,
            "WEB_ADMISSION_URL": f"http://127.0.0.1:{PORTS['admission']}",
            "WEB_PLANNING_URL": f"http://127.0.0.1:{PORTS['planning']}",
            "WEB_SESSION_DATABASE_URL": f"sqlite+aiosqlite:///{run_dir}/web-bench-sessions-{unique_hex()[:6]}.db",
        },
        run_dir / "web.log",
    )
    try:
        for proc in processes.values():
            proc.start()
        for proc in processes.values():
            proc.wait_healthy(timeout=120)
        chromium = subprocess.run(
            [str(ROOT / "deploy/browser/chromium.sh"), "path"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return asyncio.run(_run({name: proc.url for name, proc in processes.items()}, chromium))
    finally:
        for proc in processes.values():
            proc.stop()


async def _fill(admission: str, planning: str, count: int) -> None:
    ward = bearer("ward", WARD)
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=admission, headers=ward, timeout=60, limits=limits) as client:
        stays = [f"webbench-{unique_hex()[:12]}" for _ in range(count)]
        queue = list(stays)

        async def worker() -> None:
            while queue:
                stay = queue.pop()
                answer = await client.post("/admission-notices", json=admission_notice(stay, care_unit=WARD))
                answer.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(16)))
    malmo = bearer("municipality", MUNICIPALITY)
    async with httpx.AsyncClient(base_url=planning, headers=malmo, timeout=30) as client:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            total = (await client.get("/cases", params={"receiver_id": MUNICIPALITY, "limit": 1})).json()["total"]
            if total >= count:
                return
            await asyncio.sleep(0.5)
    raise AssertionError(f"planning did not open {count} cases in time")


async def _render_times(urls: dict[str, str]) -> tuple[list[float], list[float]]:
    pages, api = [], []
    async with httpx.AsyncClient(base_url=urls["web"], timeout=30, follow_redirects=False) as web:
        await web.get(f"/dev-login?role=municipality&org={MUNICIPALITY}")
        malmo = bearer("municipality", MUNICIPALITY)
        async with httpx.AsyncClient(base_url=urls["planning"], headers=malmo, timeout=30) as planning:
            for i in range(RENDERS + 5):
                began = time.perf_counter()
                page = await web.get("/inbox")
                page_ms = (time.perf_counter() - began) * 1000
                assert page.status_code == 200, page.status_code
                began = time.perf_counter()
                answer = await planning.get(
                    "/cases", params={"receiver_kind": "municipality", "receiver_id": MUNICIPALITY, "limit": 50}
                )
                api_ms = (time.perf_counter() - began) * 1000
                assert answer.status_code == 200
                if i >= 5:  # the first few warm connections and caches
                    pages.append(page_ms)
                    api.append(api_ms)
    return pages, api


async def _live_latencies(urls: dict[str, str], chromium: str) -> tuple[list[float], list[float]]:
    ward, receiver = bearer("ward", WARD), bearer("municipality", LIVE_MUNICIPALITY)
    dom, api = [], []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = await browser.new_page()
        await page.goto(f"{urls['web']}/dev-login?role=municipality&org={LIVE_MUNICIPALITY}")
        await page.goto(f"{urls['web']}/inbox")
        await page.wait_for_selector('#live-status[data-state="connected"]')  # no eval: the page's CSP forbids it
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(LIVE_NOTICES):
                stay = f"live-{unique_hex()[:10]}"
                answer = await client.post(
                    f"{urls['admission']}/admission-notices",
                    json=admission_notice(stay, municipality=LIVE_MUNICIPALITY, care_unit=WARD),
                    headers=ward,
                )
                committed = time.perf_counter()
                shown = asyncio.create_task(page.wait_for_selector(f'a[href="/stays/{stay}"]', timeout=10_000))
                while True:
                    cases = await client.get(
                        f"{urls['planning']}/cases", params={"stay_id": stay, "limit": 1}, headers=receiver
                    )
                    if cases.json()["total"]:
                        api.append((time.perf_counter() - committed) * 1000)
                        break
                    await asyncio.sleep(0.005)
                await shown
                dom.append((time.perf_counter() - committed) * 1000)
                assert answer.status_code == 201
        await browser.close()
    return dom, api


async def _run(urls: dict[str, str], chromium: str) -> list[dict]:
    await _fill(urls["admission"], urls["planning"], CASES)
    pages, api = await _render_times(urls)
    dom, applied = await _live_latencies(urls, chromium)
    return [
        figure(
            "web_inbox_render_p95",
            _percentile(pages, 0.95),
            "ms",
            ("planning_cases_api_p95", _percentile(api, 0.95)),
            p50=_percentile(pages, 0.5),
            reference_p50=_percentile(api, 0.5),
            open_cases=CASES,
            renders=len(pages),
            mean=round(statistics.fmean(pages), 1),
        ),
        figure(
            "web_live_update_p99",
            _percentile(dom, 0.99),
            "ms",
            ("planning_lists_case_p99", _percentile(applied, 0.99)),
            p50=_percentile(dom, 0.5),
            reference_p50=_percentile(applied, 0.5),
            notices=len(dom),
        ),
    ]
