"""A synthetic year of stays for all 290 municipalities, one CSV per discharge month (deterministic seed).

Each stay: an admission notice, a discharge-ready notice, for one in ten a withdrawal and a new notice,
and a discharge 0-10 days later (skewed short), at random minutes: boundaries, DST and month ends included.
The what-if bench (`bench/billing_whatif.py`) takes its months' stays from the same generator.
"""

import csv
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from svu_shared.contracts.municipality import MUNICIPALITIES

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HEADER = ["stay_id", "municipality", "care_type", "event", "at"]


def municipalities() -> list[str]:
    """SCB's 290 kommunkoder, in code order."""
    return sorted(MUNICIPALITIES)


def month_stays(
    rng: random.Random, year: int, month: int, stays: int
) -> Iterator[list[tuple[str, str, str, str, datetime]]]:
    """Each stay discharged in the month as its facts: (stay_id, municipality, care_type, event, at)."""
    codes = municipalities()
    start = datetime(year, month, 1, tzinfo=STOCKHOLM)
    days_in_month = ((start + timedelta(days=32)).replace(day=1) - start).days
    for i in range(stays):
        stay_id = f"S{year}{month:02d}{i:07d}"
        code = codes[rng.randrange(len(codes))]
        care = "psychiatric" if rng.random() < 0.15 else "somatic"
        discharged = start + timedelta(minutes=rng.randrange(days_in_month * 24 * 60))
        ready_minutes = int(rng.expovariate(1 / (2.6 * 24 * 60)))
        ready = discharged - timedelta(minutes=min(ready_minutes, 12 * 24 * 60))
        admitted = ready - timedelta(minutes=rng.randrange(1, 6 * 24 * 60))
        rows = [("admission_notice", admitted + timedelta(hours=rng.randrange(1, 20)))]
        rows.append(("discharge_ready", ready))
        if rng.random() < 0.1 and (discharged - ready) > timedelta(hours=12):
            withdrawn = ready + (discharged - ready) / 3
            rows += [
                ("discharge_ready_withdrawn", withdrawn),
                ("discharge_ready", withdrawn + (discharged - ready) / 3),
            ]
        rows.append(("discharged", discharged))
        yield [(stay_id, code, care, event, at) for event, at in rows]


def write_year(directory: Path, year: int, stays: int, seed: int = 2026) -> list[Path]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    per_month = stays // 12
    paths = []
    for month in range(1, 13):
        path = directory / f"{year}-{month:02d}.csv"
        paths.append(path)
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(HEADER)
            for facts in month_stays(rng, year, month, per_month):
                for stay_id, code, care, event, at in facts:
                    out.writerow([stay_id, code, care, event, at.isoformat(timespec="seconds")])
    return paths
