"""Kommunkod (SCB): the 290 municipalities, shipped as data in kommunkoder.csv (code, name, county)."""

import csv
from pathlib import Path

_DATA = Path(__file__).with_name("kommunkoder.csv")


def _load() -> dict[str, str]:
    with _DATA.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {row["kommunkod"]: row["kommun"] for row in rows}


MUNICIPALITIES: dict[str, str] = _load()  # kommunkod -> kommun, e.g. "1280" -> "Malmö"
COUNTY_CODES = frozenset(code[:2] for code in MUNICIPALITIES)


def municipality_code_problem(code: str) -> str | None:
    """None when `code` is one of SCB's kommunkoder, otherwise the rule it breaks (for a 422 or an exit 2)."""
    if len(code) != 4 or not code.isdigit():
        return f"municipality {code!r} must be a four-digit kommunkod (SCB), e.g. 1280"
    if code not in MUNICIPALITIES:
        return f"municipality {code!r} is not one of SCB's 290 kommunkoder"
    return None
