"""A stay and a case as rows of their tables, and back (JSON keeps a record's time as text); a stay as the JSON
document a closed case keeps (ADR 0025)."""

from dataclasses import fields
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from planning.adapters.tables import RECORDS
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


def case_row(case: Case, stay_as_closed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The case's row; `stay_as_closed` is the document of its stay at the closing (only a closed case has one)."""
    return {**{name: getattr(case, name) for name in CASE_FIELDS}, "stay_as_closed": stay_as_closed}


def case_from_row(row: Any) -> Case:
    return Case(**{name: row[name] for name in CASE_FIELDS})


# A stay as a JSON document (a closed case's `stay_as_closed`), and back as the stay it was.
_STAY_DOCUMENT = TypeAdapter(PlannedStay)


def stay_as_document(stay: PlannedStay) -> dict[str, Any]:
    return _STAY_DOCUMENT.dump_python(stay, mode="json")  # type: ignore[no-any-return]


def stay_from_document(document: dict[str, Any]) -> PlannedStay:
    return stay_from_row(_STAY_DOCUMENT.validate_python(document).__dict__)


def as_closed(case: Case, stay: PlannedStay | None, kept: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a case keeps of its stay when saved (ADR 0025): an open case nothing; a case that closes its stay as it
    is at the closing (`stay`); a closed case saved without its stay what it `kept`."""
    if case.closed_at is None:
        return None
    return stay_as_document(stay) if stay is not None else kept
