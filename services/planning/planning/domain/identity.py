"""Patient identity as a municipality searches by it: personnummer or samordningsnummer, 12 digits with a Luhn
check digit; a samordningsnummer's day has 60 added (domain §2, Skatteverket SKV 707)."""

from datetime import date


def patient_id_problem(value: str) -> str | None:
    """None for a valid personnummer or samordningsnummer; otherwise the rule it breaks."""
    if len(value) != 12 or not value.isdigit():
        return "must be 12 digits: YYYYMMDDNNNC (personnummer or samordningsnummer)"
    year, month, day = int(value[0:4]), int(value[4:6]), int(value[6:8])
    try:
        date(year, month, day - 60 if day > 60 else day)
    except ValueError:
        return "the date part YYYYMMDD is not a calendar date (samordningsnummer: day + 60)"
    total = 0
    for i, ch in enumerate(value[2:]):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return None if total % 10 == 0 else "the check digit (Luhn, over the last 10 digits) is wrong"
