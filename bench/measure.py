"""What the messaging benchmarks measure beside their rates: peak memory of a process, and the event loop they run
on (uvloop, as the services under uvicorn, ADR 0020)."""

import resource
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Runs a benchmark's coroutine on the event loop the services run on: uvicorn's, uvloop."""
    import uvloop

    return uvloop.run(main)


def reset_peak_memory() -> None:
    """Starts this process's peak resident memory (VmHWM) afresh (Linux), so a figure's peak is its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_memory_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process in MB (VmHWM; this process's ru_maxrss where /proc has none)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children(pid: int) -> list[int]:
    """A process and its children (uvicorn's worker processes)."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        found = []
    return [pid, *(int(child) for child in found)]


def cpu_seconds(pids: list[int], reaped: bool = False) -> float:
    """User and system CPU seconds of the processes (and, with `reaped`, of their children that have exited: a
    PostgreSQL server's closed connections)."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if reaped else 0)
    return total / tick


def processes_with(*words: str) -> list[int]:
    """The processes whose command line has every one of `words`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if all(word in command for word in words):
                found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds spent by each part of the system between `start()` and `stop()`: the services (with their
    workers), PostgreSQL (the server and its connections), the broker and this process (the load generator)."""

    def __init__(self, services: dict[str, int], pg_port: int, kafka_port: int) -> None:
        self._services = services
        self._pg_port, self._kafka_port = pg_port, kafka_port
        self._before: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        import time

        postmaster = processes_with("bin/postgres", f"-p {self._pg_port}")
        parts = {name: cpu_seconds(children(pid)) for name, pid in self._services.items()}
        parts["postgres"] = cpu_seconds(postmaster, reaped=True) + sum(
            cpu_seconds(children(pid)[1:]) for pid in postmaster
        )
        parts["kafka"] = cpu_seconds(processes_with("java", f"kafka-bench-{self._kafka_port}"))
        parts["load generator"] = time.process_time()
        return parts

    def start(self) -> None:
        self._before = self._now()

    def stop(self, per: int) -> dict[str, float]:
        """Milliseconds of CPU per unit of work (`per` notices) by part, and their total."""
        after = self._now()
        used = {name: (after[name] - self._before[name]) * 1000 / per for name in after}
        return {**{name: round(ms, 2) for name, ms in used.items()}, "total": round(sum(used.values()), 2)}
