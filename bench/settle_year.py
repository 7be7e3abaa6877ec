"""Benchmark: `billing settle` over a synthetic year (12 monthly files, ≥ 1,000,000 stays, 290 municipalities),
against a plain reference: the same rule (skane-2018: 12:00 boundary, average 2.8, 2023 day amount) as one DuckDB SQL
query per month.

`billing settle` runs as finance runs it, through its command line (`billing.entrypoints.cli.main`: read and check
the file, settle, print the JSON), month after month in one child process, so its peak memory is the child's own
(ru_maxrss) and interpreter start-up is paid once, as DuckDB's import is. One cold `billing settle` of one month, a
process of its own, is timed too. Both run on the same files in the same run; the figure is stays per second over
the whole year. Results are compared on every municipality-month, and, under the long-stayer proposal
(skane-longstay-proposal: 00:00 boundary, stays over 7 days billed beyond day 7), on every long stay as well, each
against DuckDB. A mismatch is reported, never hidden.
"""

import json
import os
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from bench.figures import figure
from bench.synthetic_year import write_year

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".local" / "bench" / "year"
YEAR = 2023
DAY_AMOUNT = 10500
ORE = Decimal("0.01")

# Each stay's ready days under a day boundary (rule 3 on Stockholm wall-clock time), for the stays with an admission
# notice; periods from a notice to the next withdrawal or discharge.
STAYS_SQL = """
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
        CASE WHEN CAST(opened AS TIME) <= TIME '{boundary}' THEN CAST(opened AS DATE) ELSE CAST(opened AS DATE) + 1 END,
        CASE WHEN CAST(closed AS TIME) > TIME '{boundary}' THEN CAST(closed AS DATE) ELSE CAST(closed AS DATE) - 1 END
      ) + 1) AS d
  FROM periods
),
stays AS (SELECT stay_id, ANY_VALUE(municipality) AS municipality, SUM(d) AS d FROM days
          WHERE stay_id IN (SELECT stay_id FROM noticed) GROUP BY stay_id)
"""
REFERENCE_SQL = (
    STAYS_SQL.replace("{boundary}", "12:00")
    + """
SELECT municipality, COUNT(*) AS n, SUM(d) AS d,
       CASE WHEN SUM(d) / COUNT(*) > 2.8 THEN SUM(d) - 2.8 * COUNT(*) ELSE 0 END AS billable
FROM stays GROUP BY municipality ORDER BY municipality
"""
)
# The long-stayer proposal: stays over 7 ready days (00:00 boundary) leave the average, billed for days beyond 7.
LONG_STAY_SQL = (
    STAYS_SQL.replace("{boundary}", "00:00")
    + """
SELECT municipality, COUNT(*) AS n_all, SUM(d) AS d_all,
       COUNT(*) FILTER (WHERE d <= 7) AS n, COALESCE(SUM(d) FILTER (WHERE d <= 7), 0) AS d,
       LIST((stay_id, d) ORDER BY stay_id) FILTER (WHERE d > 7) AS long_stays
FROM stays GROUP BY municipality ORDER BY municipality
"""
)

# One child process settles every month through the CLI and reports its time (after imports) and peak memory.
CHILD = """
import contextlib, io, json, resource, sys, time
from billing.entrypoints.cli import main
agreement, files = sys.argv[1], sys.argv[2:]
outputs = []
started = time.perf_counter()
for path in files:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["settle", "--agreement", agreement, "--period", path[-11:-4], "--events", path])
    if code != 0:
        sys.exit(code)
    outputs.append(buffer.getvalue())
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "months": [json.loads(o) for o in outputs]}))
"""


def sek(value: Decimal) -> str:
    return str(value.quantize(ORE, ROUND_HALF_UP))


def run_cli(paths: list[Path], agreement: str) -> tuple[float, float, dict[str, dict[str, str]]]:
    """(seconds, peak MB, results): each municipality-month's line, and each long stay under `agreement`."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, agreement, *map(str, paths)], check=True, capture_output=True, text=True
    )
    report = json.loads(done.stdout)
    results: dict[str, dict[str, str]] = {}
    for path, settled in zip(paths, report["months"], strict=True):
        for line in settled["municipalities"]:
            results[f"{path.stem}/{line['municipality']}"] = {
                "stays": str(line["stays"]),
                "ready_days": str(line["ready_days"]),
                "amount_sek": line["amount_sek"],
            }
            for stay in line["long_stays"]:
                results[f"{path.stem}/{line['municipality']}/{stay['stay_id']}"] = {
                    "ready_days": str(stay["ready_days"]),
                    "billable_days": stay["billable_days"],
                    "amount_sek": stay["amount_sek"],
                }
    return report["seconds"], report["peak_kb"] / 1024, results


def run_reference(paths: list[Path]) -> tuple[float, dict[str, dict[str, str]]]:
    import duckdb

    results: dict[str, dict[str, str]] = {}
    connection = duckdb.connect()
    started = time.perf_counter()
    for path in paths:
        for municipality, n, d, billable in connection.execute(REFERENCE_SQL, [str(path)]).fetchall():
            results[f"{path.stem}/{municipality}"] = {
                "stays": str(n),
                "ready_days": str(int(d)),
                "amount_sek": sek(Decimal(str(billable)) * DAY_AMOUNT),
            }
    return time.perf_counter() - started, results


def run_long_stay_reference(paths: list[Path]) -> tuple[float, dict[str, dict[str, str]]]:
    """The long-stayer proposal in DuckDB: the average over the stays of 7 days or less, the others billed alone."""
    import duckdb

    results: dict[str, dict[str, str]] = {}
    connection = duckdb.connect()
    started = time.perf_counter()
    for path in paths:
        for municipality, n_all, d_all, n, d, long_stays in connection.execute(LONG_STAY_SQL, [str(path)]).fetchall():
            billable = Decimal(d) - Decimal("2.8") * n if n and Decimal(d) / n > Decimal("2.8") else Decimal(0)
            amount = (billable * DAY_AMOUNT).quantize(ORE, ROUND_HALF_UP)
            for stay in long_stays or []:
                stay_id, days = stay.values() if isinstance(stay, dict) else stay
                stay_amount = Decimal(days - 7) * DAY_AMOUNT
                amount += stay_amount
                results[f"{path.stem}/{municipality}/{stay_id}"] = {
                    "ready_days": str(days),
                    "billable_days": sek(Decimal(days - 7)),
                    "amount_sek": sek(stay_amount),
                }
            results[f"{path.stem}/{municipality}"] = {
                "stays": str(n_all),
                "ready_days": str(int(d_all)),
                "amount_sek": sek(amount),
            }
    return time.perf_counter() - started, results


def compared(ours: dict[str, dict[str, str]], reference: dict[str, dict[str, str]]) -> tuple[int, int, list[str]]:
    """(agreeing, compared, first mismatches) over municipality-months (keys with one '/') and long stays."""
    keys = sorted(set(ours) | set(reference))
    mismatches = [k for k in keys if ours.get(k) != reference.get(k)]
    return len(keys) - len(mismatches), len(keys), mismatches[:3]


def one_cold_month(path: Path) -> float:
    """`billing settle` of one month as a person starts it: a new process, start-up and imports included."""
    billing = Path(sys.executable).parent / "billing"
    started = time.perf_counter()
    subprocess.run(
        [str(billing), "settle", "--agreement", "skane-2018", "--period", path.stem, "--events", str(path)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


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
    ref_seconds, ref = run_reference(paths)
    cli_seconds, peak_mb, cli = run_cli(paths, "skane-2018")
    long_ref_seconds, long_ref = run_long_stay_reference(paths)
    long_seconds, long_peak_mb, long = run_cli(paths, "skane-longstay-proposal")
    cold = one_cold_month(paths[0])
    agree, months, first_bad = compared(cli, ref)
    long_agree, long_compared, long_bad = compared(long, long_ref)
    long_stays = sum(1 for k in long_ref if k.count("/") == 2)
    print(
        f"billing settle, 12 months, {total} stays: {cli_seconds:.2f} s = {total / cli_seconds:,.0f} stays/s, "
        f"peak {max(peak_mb, long_peak_mb):,.0f} MB"
    )
    print(f"DuckDB reference, same files:        {ref_seconds:.2f} s = {total / ref_seconds:,.0f} stays/s")
    print(f"one month, cold (a new `billing settle` process): {cold:.2f} s")
    print(
        f"results agree on {agree} of {months} municipality-months"
        + (f"; first mismatches: {first_bad}" if first_bad else "")
    )
    print(
        f"long-stayer proposal: {long_seconds:.2f} s (DuckDB {long_ref_seconds:.2f} s); agree on {long_agree} of "
        f"{long_compared} municipality-months and long stays ({long_stays} long stays)"
        + (f"; first mismatches: {long_bad}" if long_bad else "")
    )
    return [
        figure(
            "billing_settle_year",
            round(total / cli_seconds),
            "stays/s",
            ("duckdb_sql_same_rule", round(total / ref_seconds)),
            stays=total,
            seconds=round(cli_seconds, 2),
            reference_seconds=round(ref_seconds, 2),
            peak_memory_mb=round(max(peak_mb, long_peak_mb)),
            peak_memory_limit_mb=1536,
            one_month_cold_process_seconds=round(cold, 2),
            municipality_months_agreeing=agree,
            municipality_months=months,
        ),
        figure(
            "billing_settle_year_long_stayers",
            round(total / long_seconds),
            "stays/s",
            ("duckdb_sql_same_rule", round(total / long_ref_seconds)),
            agreement="skane-longstay-proposal",
            stays=total,
            long_stays=long_stays,
            peak_memory_mb=round(long_peak_mb),
            lines_and_long_stays_agreeing=long_agree,
            lines_and_long_stays=long_compared,
        ),
    ]
