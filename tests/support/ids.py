"""Unique parts of test ids. Hex from uuid4 has a 10-digit run now and then, and a stay id with one that reads as a
date is refused (it could be a personnummer, ADR 0027), so the tests' ids carry no digits at all."""

import uuid

_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def unique_hex() -> str:
    """32 characters from a-p, as unique as a uuid4."""
    return uuid.uuid4().hex.translate(_NO_DIGITS)
