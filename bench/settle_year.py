"""Benchmark: `billing settle` over a synthetic year (12 monthly files), against a plain reference: the same
rule (skane-2018: 12:00 boundary, average 2.8, 2023 day amount) as one DuckDB SQL query per month.

Both run on the same files in the same run; the figure is stays per second over the whole year, and the
results are compared municipality by municipality (a mismatch is reported, never hidden).
"""

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from bench.figures import figure
from bench.synthetic_year import write_year

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".local" / "bench" / "year"
YEAR = 2023
DAY_AMOUNT = 10500

REFERENCE_SQL = """
WITH ev AS (
  SELECT stay_id, municipality, event, CAST("at" AS TIMESTAMPTZ) AS at_utc
  FROM read_csv(?, header = true, columns = {'stay_id': 'VARCHAR', 'municipality': 'VARCHAR',
       'care_type': 'VARCHAR', 'event': 'VARCHAR', 'at': 'VARCHAR'})
),
noticed AS (SELECT DISTINCT stay_id FROM ev WHERE event = 'admission_notice'),
ordered AS (
  SELECT *, LEAD(event) OVER w AS next_event, LEAD(at_utc) OVER w AS next_at
  FROM ev WHERE event IN ('discharge_ready', 'discharge_ready_withdrawn', 'discharged')
  WINDOW w AS (PARTITION BY stay_id ORDER BY at_utc)
),
periods AS (
  SELECT stay_id, municipality,
         timezone('Europe/Stockholm', at_utc) AS opened, timezone('Europe/Stockholm', next_at) AS closed
  FROM ordered WHERE event = 'discharge_ready' AND next_event IN ('discharge_ready_withdrawn', 'discharged')
),
days AS (
  SELECT stay_id, municipality, GREATEST(0,
      date_diff('day',
        CASE WHEN CAST(opened AS TIME) <= TIME '12:00' THEN CAST(opened AS DATE) ELSE CAST(opened AS DATE) + 1 END,
        CASE WHEN CAST(closed AS TIME) > TIME '12:00' THEN CAST(closed AS DATE) ELSE CAST(closed AS DATE) - 1 END
      ) + 1) AS d
  FROM periods
),
stays AS (SELECT stay_id, ANY_VALUE(municipality) AS municipality, SUM(d) AS d FROM days
          WHERE stay_id IN (SELECT stay_id FROM noticed) GROUP BY stay_id)
SELECT municipality, COUNT(*) AS n, SUM(d) AS d,
       CASE WHEN SUM(d) / COUNT(*) > 2.8 THEN SUM(d) - 2.8 * COUNT(*) ELSE 0 END AS billable
FROM stays GROUP BY municipality ORDER BY municipality
"""


def run_cli(paths: list[Path]) -> tuple[float, dict[str, dict[str, str]]]:
    billing = Path(sys.executable).parent / "billing"
    results: dict[str, dict[str, str]] = {}
    started = time.perf_counter()
    for path in paths:
        out = subprocess.run(
            [str(billing), "settle", "--agreement", "skane-2018", "--period", path.stem, "--events", str(path)],
            check=True,
            capture_output=True,
        ).stdout
        for line in json.loads(out)["municipalities"]:
            results[f"{path.stem}/{line['municipality']}"] = {
                "stays": str(line["stays"]),
                "ready_days": str(line["ready_days"]),
                "amount_sek": line["amount_sek"],
            }
    return time.perf_counter() - started, results


def run_reference(paths: list[Path]) -> tuple[float, dict[str, dict[str, str]]]:
    import duckdb

    results: dict[str, dict[str, str]] = {}
    started = time.perf_counter()
    connection = duckdb.connect()
    for path in paths:
        for municipality, n, d, billable in connection.execute(REFERENCE_SQL, [str(path)]).fetchall():
            amount = (Decimal(str(billable)) * DAY_AMOUNT).quantize(Decimal("0.01"))
            results[f"{path.stem}/{municipality}"] = {
                "stays": str(n),
                "ready_days": str(int(d)),
                "amount_sek": str(amount),
            }
    return time.perf_counter() - started, results


def main() -> list[dict]:
    stays = int(os.environ.get("BENCH_STAYS", "1000000"))
    marker = DATA / f".{stays}-scb"  # the data set's version: SCB's real codes
    if not marker.exists():
        print(f"generating a synthetic year: {stays} stays, 290 municipalities -> {DATA}")
        for old in DATA.glob("*"):
            old.unlink()
        write_year(DATA, YEAR, stays)
        marker.touch()
    paths = sorted(DATA.glob(f"{YEAR}-*.csv"))
    total = (stays // 12) * 12
    cli_seconds, cli = run_cli(paths)
    ref_seconds, ref = run_reference(paths)
    mismatches = [k for k in sorted(set(cli) | set(ref)) if cli.get(k) != ref.get(k)]
    print(f"billing settle, 12 months, {total} stays: {cli_seconds:.1f} s = {total / cli_seconds:,.0f} stays/s")
    print(f"DuckDB reference, same files:        {ref_seconds:.1f} s = {total / ref_seconds:,.0f} stays/s")
    print(
        f"results agree on {len(cli) - len(mismatches)} of {len(set(cli) | set(ref))} municipality-months"
        + (f"; first mismatches: {mismatches[:3]}" if mismatches else "")
    )
    return [
        figure(
            "billing_settle_year",
            round(total / cli_seconds),
            "stays/s",
            ("duckdb_sql_same_rule", round(total / ref_seconds)),
            stays=total,
            municipality_months_agreeing=len(cli) - len(mismatches),
            municipality_months=len(set(cli) | set(ref)),
        )
    ]
