"""A stay and a case as rows of their tables, and back (JSON keeps a record's time as text)."""

from dataclasses import fields
from datetime import datetime
from typing import Any

from planning.adapters.tables import RECORDS, cases
from planning.domain.case import Case
from planning.domain.stay import PlannedStay, StayStatus


def stay_from_row(row: Any) -> PlannedStay:
    values = {f.name: row[f.name] for f in fields(PlannedStay)}
    values["status"] = StayStatus(values["status"])
    for name in RECORDS:
        if values[name] is not None:  # JSON keeps times as text; the rules compare them as instants
            values[name] = {**values[name], "recorded_at": datetime.fromisoformat(values[name]["recorded_at"])}
    return PlannedStay(**values)


STAY_FIELDS = tuple(f.name for f in fields(PlannedStay))
CASE_FIELDS = tuple(f.name for f in fields(Case))


def stay_row(stay: PlannedStay) -> dict[str, Any]:
    # A shallow copy (dataclasses.asdict copies deep: most of a batch's time went there); the records below are
    # new dicts, so nothing of the stay is shared with a row a statement may change.
    row = {name: getattr(stay, name) for name in STAY_FIELDS}
    for name in RECORDS:
        if row[name] is not None:
            row[name] = {**row[name], "recorded_at": row[name]["recorded_at"].isoformat()}
    return row


def case_row(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in CASE_FIELDS}


def case_from_row(row: Any) -> Case:
    return Case(**{name: row[name] for name in cases.c.keys()})
