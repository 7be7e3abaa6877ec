"""The services as real processes (uvicorn): used by `make run`, `make up` and the e2e tests."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.services import CATALOGUE_SERVICES

ROOT = Path(__file__).resolve().parents[1]
SERVICES = tuple(service.name for service in CATALOGUE_SERVICES)
# The services that keep records, each in a database of its own; the web application keeps none (ADR 0017).
DATABASE_SERVICES = tuple(service.name for service in CATALOGUE_SERVICES if service.database)
DEFAULT_PORTS = {service.name: service.port for service in CATALOGUE_SERVICES}
TEST_PORTS = {service.name: service.test_port for service in CATALOGUE_SERVICES}
ENV_PREFIX = {service.name: service.env_prefix for service in CATALOGUE_SERVICES}


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll `predicate` until it returns a truthy value or the deadline passes; never a fixed sleep."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, detached: bool = False) -> int:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.name],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=detached,
            )
        return self.process.pid

    def wait_healthy(self, timeout: float = 60.0) -> None:
        def healthy() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited: see {self.log}")
            try:
                return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=timeout, what=f"{self.name} /health")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


OTEL_KEYS = ("OTEL_EXPORTER", "OTEL_ENDPOINT")


def service_processes(
    kafka_bootstrap: str, database_urls: dict[str, str], run_dir: Path, ports: dict[str, int] | None = None
) -> dict[str, ServiceProcess]:
    ports = ports or DEFAULT_PORTS
    procs = {}
    for name in SERVICES:
        prefix = ENV_PREFIX[name]
        env = {
            f"{prefix}PORT": str(ports[name]),
            f"{prefix}KAFKA_BOOTSTRAP": kafka_bootstrap,
            **({f"{prefix}DATABASE_URL": database_urls[name]} if name in database_urls else {}),
            # make run, make up and the e2e tests trust the local development issuer, and only they (ADR 0024).
            "SVU_AUTH_MODE": "dev",
            # One switch for all services: SVU_OTEL_EXPORTER=console|otlp, SVU_OTEL_ENDPOINT=<OTLP/HTTP base>.
            **{f"{prefix}{key}": os.environ[f"SVU_{key}"] for key in OTEL_KEYS if f"SVU_{key}" in os.environ},
        }
        if name == "web":  # the backend-for-frontend calls the others where they run; dev sign-in (ADR 0017)
            env |= {f"WEB_{other.upper()}_URL": f"http://127.0.0.1:{ports[other]}" for other in DATABASE_SERVICES}
            env |= {
                "WEB_AUTH_MODE": os.environ.get("WEB_AUTH_MODE", "dev"),
                "WEB_PUBLIC_URL": f"http://127.0.0.1:{ports[name]}",
                "WEB_SESSION_DATABASE_URL": f"sqlite+aiosqlite:///{run_dir}/web-sessions.db",
            }
        procs[name] = ServiceProcess(name, ports[name], env, run_dir / f"{name}.log")
    return procs
