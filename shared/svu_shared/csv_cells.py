"""CSV that cannot attack the spreadsheet that opens it (OWASP "CSV Injection", ADR 0027).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel and
LibreOffice; such a cell gets a leading `'` (OWASP's advice), which a spreadsheet shows as text and a program
reading the CSV sees as one extra character. A number stays a number: a cell that is only a number (digits with an
optional sign, decimal point or comma, and spaces between digit groups, like billing's "-23 100,00" or "-3.5")
cannot be a formula, and finance must be able to sum a credit note's negative amounts. Every CSV the services
write goes through `writer` or `dict_writer`, so no cell is written without this check.
"""

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")


def neutralised(cell: Any) -> Any:
    """The cell as it may be written: numbers unchanged, text that a spreadsheet would evaluate prefixed with `'`."""
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS) or NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


class _SafeWriter:
    """csv.writer with every cell neutralised."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralised(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """csv.DictWriter with every cell neutralised (the header too, which is ours and passes unchanged)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: neutralised(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def writer(out: Any, **options: Any) -> _SafeWriter:
    return _SafeWriter(out, **options)


def dict_writer(out: Any, fieldnames: list[str], **options: Any) -> csv.DictWriter:  # type: ignore[type-arg]
    return _SafeDictWriter(out, fieldnames, **options)
