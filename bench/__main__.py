"""`make bench`: every benchmark prints its figures and writes them to bench/results/latest.json."""

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import settle_year

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def main() -> None:
    figures = settle_year.main()
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
                "results": figures,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
