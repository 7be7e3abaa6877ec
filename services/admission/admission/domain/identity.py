"""Patient identity: personnummer and samordningsnummer (12 digits, Luhn check digit; domain §2).

A samordningsnummer is a personnummer whose day has 60 added (Skatteverket, SKV 707).
"""

from datetime import date


class InvalidPatientId(ValueError):
    pass


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def validate_patient_id(value: str) -> str:
    """Returns the id if valid; otherwise raises with the rule it breaks."""
    if len(value) != 12 or not value.isdigit():
        raise InvalidPatientId("must be 12 digits: YYYYMMDDNNNC (personnummer or samordningsnummer)")
    year, month, day = int(value[0:4]), int(value[4:6]), int(value[6:8])
    if day > 60:
        day -= 60  # samordningsnummer
    try:
        date(year, month, day)
    except ValueError:
        raise InvalidPatientId("the date part YYYYMMDD is not a calendar date (samordningsnummer: day + 60)") from None
    if not luhn_valid(value[2:]):
        raise InvalidPatientId("the check digit (Luhn, over the last 10 digits) is wrong")
    return value
