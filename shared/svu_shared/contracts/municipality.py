"""Kommunkod (SCB): four digits, the first two a county (län) code in use since 2007."""

import re

COUNTY_CODES = frozenset(
    {
        "01",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "12",
        "13",
        "14",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
    }
)
_FORMAT = re.compile(r"^\d{4}$")


def municipality_code_problem(code: str) -> str | None:
    """None when the code has the form of a kommunkod, otherwise the rule it breaks."""
    if not _FORMAT.match(code):
        return f"municipality {code!r} must be a four-digit kommunkod (SCB), e.g. 1280"
    if code[:2] not in COUNTY_CODES:
        return f"municipality {code!r}: {code[:2]} is not a county (län) code"
    return None
