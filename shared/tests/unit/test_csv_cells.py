"""OWASP CSV injection (ADR 0027): a text cell a spreadsheet would evaluate is prefixed with `'`; numbers, negative
amounts included, stay numbers."""

import csv
import io

import pytest

from svu_shared import csv_cells


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("sent on paper", "sent on paper"),
        ("S-1", "S-1"),
        ("-23 100,00", "-23 100,00"),
        ("-23\u00a0100,00", "-23\u00a0100,00"),
        ("-23100.00", "-23100.00"),
        ("+5", "+5"),
        (-3, -3),
        ("", ""),
    ],
)
def test_a_cell_is_neutralised_unless_it_is_a_number_or_harmless(cell, written):
    assert csv_cells.neutralised(cell) == written


def test_both_writers_neutralise_every_cell_and_keep_numbers():
    out = io.StringIO()
    csv_cells.writer(out).writerows([["=1+1", "-5.00"]])
    csv_cells.dict_writer(out, ["a", "b"]).writerow({"a": "@x", "b": -2})
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["'=1+1", "-5.00"], ["'@x", "-2"]]
