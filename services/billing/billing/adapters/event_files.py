"""Event files for `billing settle`: the JSONL of the CloudEvents on the topics, or the flat CSV finance keeps.

Any bad line stops the read with an `EventFileError` naming the file and line; nothing is settled from a
partly read file.
"""

import csv
import json
import re
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from billing.adapters.event_facts import fact_from_event
from billing.domain.facts import FactKind, StayFact
from svu_shared.contracts import UnknownEventType, event_model
from svu_shared.contracts.base import ID_MAX_LENGTH
from svu_shared.contracts.municipality import municipality_code_problem
from svu_shared.envelope import CloudEvent
from svu_shared.identifiers import ID_ALPHABET, stay_id_problem

STAY_ID_SHAPE = re.compile(rf"{ID_ALPHABET}{{1,{ID_MAX_LENGTH}}}")
CSV_HEADER = ["stay_id", "municipality", "care_type", "event", "at"]
CARE_TYPES = ("somatic", "psychiatric")
# The flat CSV carries the five facts that need no more than a time; cancellations, interruptions and backdated
# notices carry reasons and a second time, and come from the JSONL of the CloudEvents (ADR 0016).
CSV_KINDS = tuple(FactKind)[:5]


class EventFileError(ValueError):
    pass


def read_facts(path: Path) -> list[StayFact]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventFileError(f"{path}: cannot read the event file ({exc})") from None
    first = text.lstrip()[:1]
    facts = _read_jsonl(path, text) if path.suffix in (".jsonl", ".json") or first == "{" else _read_csv(path, text)
    # A relay may publish an event twice (at-least-once); its id makes the second a no-op here as in consumers.
    return list({f.event_id: f for f in facts}.values())


def _read_csv(path: Path, text: str) -> list[StayFact]:
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header != CSV_HEADER:
        raise EventFileError(f"{path}, line 1: the header must be {','.join(CSV_HEADER)}, not {','.join(header or [])}")
    facts = []
    seen_codes: set[str] = set()  # a year has ~290 codes and millions of rows: check each code once
    for line_no, row in enumerate(rows, start=2):
        if not row:
            continue
        where = f"{path}, line {line_no}"
        if len(row) != len(CSV_HEADER):
            raise EventFileError(f"{where}: expected {len(CSV_HEADER)} columns, found {len(row)}")
        stay_id, municipality, care_type, event, at = row
        if (problem := _stay_id_problem(stay_id)) is not None:
            raise EventFileError(f"{where}: stay_id {problem}")
        if municipality not in seen_codes:
            if (problem := municipality_code_problem(municipality)) is not None:
                raise EventFileError(f"{where}: {problem}")
            seen_codes.add(municipality)
        if care_type not in CARE_TYPES:
            raise EventFileError(f"{where}: care_type must be somatic or psychiatric, not {care_type!r}")
        kind = next((k for k in CSV_KINDS if k.value == event), None)
        if kind is None:
            raise EventFileError(f"{where}: unknown event {event!r}; known: {', '.join(k.value for k in CSV_KINDS)}")
        facts.append(StayFact(stay_id, kind, _aware(at, where), f"{path.name}:{line_no}", municipality, care_type))
    return facts


def _stay_id_problem(stay_id: str) -> str | None:
    """A stay id is checked before it reaches a settlement or an underlag (ADR 0027): the id alphabet and bound, and
    no personnummer in it."""
    if not STAY_ID_SHAPE.fullmatch(stay_id):
        return f"must be 1-{ID_MAX_LENGTH} letters, digits or _ . : -"
    return stay_id_problem(stay_id)


def _aware(text: str, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise EventFileError(f"{where}: at {text!r} is not an ISO 8601 timestamp") from None
    if value.tzinfo is None:
        raise EventFileError(f"{where}: at {text!r} has no UTC offset; every time must be timezone-aware")
    return value


def _read_jsonl(path: Path, text: str) -> list[StayFact]:
    facts = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}, line {line_no}"
        try:
            envelope = CloudEvent.model_validate_json(line)
            event = event_model(envelope.type).model_validate(envelope.data)
        except UnknownEventType as exc:
            raise EventFileError(f"{where}: {exc}") from None
        except (ValidationError, json.JSONDecodeError) as exc:
            raise EventFileError(f"{where}: not a valid SVU CloudEvent ({_first(exc)})") from None
        fact = fact_from_event(envelope.id, event)
        if fact is not None:
            if fact.municipality and (problem := municipality_code_problem(fact.municipality)) is not None:
                raise EventFileError(f"{where}: {problem}")
            facts.append(fact)
    return facts


def _first(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)
