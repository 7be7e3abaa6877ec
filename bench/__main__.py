"""`make bench`: every benchmark prints its figures and writes them to bench/results/latest.json."""

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import billing_whatif, consumer, pipeline, producer_ceiling, rebuild, settle_year, web
from bench.realparts import real_parts

# The benches run the services on the local development issuer's tokens (ADR 0024), as the tests do.
os.environ.setdefault("SVU_AUTH_MODE", "dev")

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def main() -> None:
    # BENCH_ONLY=messaging|web|billing runs one group, or one messaging benchmark by name
    # (producer|consumer|rebuild|http); everything by default.
    only = os.environ.get("BENCH_ONLY", "")
    figures: list[dict] = []
    messaging = {"producer": producer_ceiling, "consumer": consumer, "rebuild": rebuild, "http": pipeline}
    chosen = [bench for name, bench in messaging.items() if only in ("", "messaging", name)]
    if chosen:
        with real_parts() as parts:
            for bench in chosen:
                figures += bench.main(parts)
    if only in ("", "web"):
        with real_parts() as parts:
            figures += web.main(parts)
    if only in ("", "billing"):
        figures += settle_year.main()
        figures += billing_whatif.main()
    # A partial run (BENCH_ONLY) replaces its own figures and keeps the others, each with its date.
    measured_at = datetime.now(UTC).isoformat(timespec="seconds")
    kept = json.loads(RESULTS.read_text())["results"] if RESULTS.exists() else []
    new = {f["name"] for f in figures}
    results = [f for f in kept if f["name"] not in new] + [{**f, "measured_at": measured_at} for f in figures]
    RESULTS.write_text(
        json.dumps(
            {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "results": results},
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
