"""What an id may be (ADR 0027): ids travel in URLs, logs, Kafka keys, audit rows and file names, so none may
carry a patient's identity, and a unit id must be one unit.

- A stay id must not look like a personnummer or samordningsnummer (Patientdatalagen 4 kap.: the identity stays
  in the fields that are protected as such, never in a key that is logged and shared). "Looks like": a run of 10 or
  12 digits (a `-` or `+` allowed before the last four) whose date part is a calendar month and a day 01-31 or,
  for a samordningsnummer (SKV 707), 61-91. The check digit is not required: a mistyped number leaks just the same.
- An HSA-id (a ward, a vårdcentral, a contact's unit) is one unit: letters, digits and `_ . : -`, at most 64
  characters; no comma, space or separator of any kind, so no value can name two units.
"""

import re
import uuid

ID_ALPHABET = r"[A-Za-z0-9_.:-]"
UNIT_ID_MAX_LENGTH = 64
HSA_ID_PATTERN = rf"^{ID_ALPHABET}{{1,{UNIT_ID_MAX_LENGTH}}}$"

_DIGIT_RUN = re.compile(r"(?<![0-9])(\d{6}|\d{8})[-+]?(\d{4})(?![0-9])")


def _date_part_plausible(date_digits: str) -> bool:
    month, day = int(date_digits[-4:-2]), int(date_digits[-2:])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def looks_like_personnummer(value: str) -> bool:
    return any(_date_part_plausible(match.group(1)) for match in _DIGIT_RUN.finditer(value))


PERSONNUMMER_IN_ID = (
    "must not contain a personnummer or samordningsnummer, nor anything that looks like one "
    "(10 or 12 digits whose first six or eight are a date): patient identity never goes into an id"
)


def stay_id_problem(value: str) -> str | None:
    """Why `value` cannot be a stay id beyond its alphabet and length (which the schema's pattern checks)."""
    return PERSONNUMMER_IN_ID if looks_like_personnummer(value) else None


def checked_stay_id(value: str) -> str:
    """A pydantic AfterValidator: the stay id, or ValueError naming the rule (a 422 naming the field)."""
    if (problem := stay_id_problem(value)) is not None:
        raise ValueError(problem)
    return value


def new_stay_id() -> str:
    """A random stay id for a notice that brings none: a UUID, drawn again in the rare case that its digits look
    like a personnummer (two groups of 8 and 4 hex digits can both be all digits)."""
    while looks_like_personnummer(stay_id := str(uuid.uuid4())):
        pass
    return stay_id
