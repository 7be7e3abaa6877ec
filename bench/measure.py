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
