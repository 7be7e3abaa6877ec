"""Event files for `billing settle`: the JSONL of the CloudEvents on the topics, or the flat CSV finance keeps.

Any bad line stops the read with an `EventFileError` naming the file and line; nothing is settled from a
partly read file.
"""

import csv
import json
from datetime import datetime
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from billing.adapters.event_facts import fact_from_event
from billing.domain.facts import (
    FACT_SCHEMA,
    KIND_CODE,
    EventIds,
    FactKind,
    FileFacts,
    StayFact,
    facts_frame,
    micros,
    offset_seconds,
)
from svu_shared.contracts import UnknownEventType, event_model
from svu_shared.contracts.base import ID_MAX_LENGTH
from svu_shared.contracts.municipality import municipality_code_problem
from svu_shared.envelope import CloudEvent
from svu_shared.identifiers import ID_ALPHABET, PERSONNUMMER_IN_ID, stay_id_problem

CSV_HEADER = ["stay_id", "municipality", "care_type", "event", "at"]
CARE_TYPES = ("somatic", "psychiatric")
# The flat CSV carries the five facts that need no more than a time; cancellations, interruptions and backdated
# notices carry reasons and a second time, and come from the JSONL of the CloudEvents (ADR 0016).
CSV_KINDS = tuple(FactKind)[:5]
KIND_CODE_OF_CSV = {kind.value: KIND_CODE[kind.value] for kind in CSV_KINDS}


class EventFileError(ValueError):
    pass


def read_facts(path: Path) -> pl.DataFrame | FileFacts:
    """The file's facts in the engine's columns (FACT_SCHEMA), in the order of the file; a CSV file's with each
    fact's event id as its line number (`file:line`, written out only for an underlag)."""
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        start = data[:1000].decode("utf-8", errors="ignore").lstrip()[:1]
        if path.suffix in (".jsonl", ".json") or start == "{":
            facts = _read_jsonl(path, data.decode("utf-8"))
            # A relay may publish an event twice (at-least-once); its id makes the second a no-op here as in consumers.
            return facts_frame({f.event_id: f for f in facts}.values())
        return _read_csv(path, data)
    except (OSError, UnicodeDecodeError) as exc:
        raise EventFileError(f"{path}: cannot read the event file ({exc})") from None


def _read_csv(path: Path, data: bytes) -> FileFacts:
    """Every line checked, all at once: the first bad line stops the read, named with its number and what is wrong
    (the checks in the order they apply to a line). Each line is its own event (id `file:line`)."""
    header = next(csv.reader(data[: data.find(b"\n")].decode("utf-8").splitlines()), None)
    if header != CSV_HEADER:
        raise EventFileError(f"{path}, line 1: the header must be {','.join(CSV_HEADER)}, not {','.join(header or [])}")
    facts = _plain_facts(path, data) if b'"' not in data else None
    if facts is not None:
        return facts
    # Not plain, or a line fails a check: read again record by record, so the line is named as the csv module
    # splits it, and check every line.
    rows = _csv_records(data)
    codes = {c: municipality_code_problem(c) for c in rows["municipality"].unique().to_list()}
    personal = _personal(rows["stay_id"])
    rows = _at_utc(
        _instants(
            rows.lazy().with_columns(
                kind=pl.col("event").replace_strict(KIND_CODE_OF_CSV, default=None, return_dtype=pl.UInt8)
            )
        ).collect()
    ).collect()
    checks = [  # in the order they apply to a line: the first that fails is named
        (pl.col("columns") != len(CSV_HEADER), pl.format("expected {} columns, found {}", len(CSV_HEADER), "columns")),
        *_stay_id_checks(personal),
        (
            pl.col("municipality").is_in([code for code, problem in codes.items() if problem is not None]),
            pl.col("municipality").replace_strict(codes, return_dtype=pl.String),
        ),
        (
            ~pl.col("care_type").is_in(CARE_TYPES),
            pl.format("care_type must be somatic or psychiatric, not '{}'", "care_type"),
        ),
        (
            pl.col("kind").is_null(),
            pl.format("unknown event '{}'; known: {}", "event", pl.lit(", ".join(k.value for k in CSV_KINDS))),
        ),
        (pl.col("at_utc").is_null(), pl.format("at '{}' is not an ISO 8601 timestamp", "at")),
        (
            pl.col("at_offset").is_null(),
            pl.format("at '{}' has no UTC offset; every time must be timezone-aware", "at"),
        ),
    ]
    bad = rows.filter(pl.any_horizontal(failed for failed, _ in checks)).head(1)
    if not bad.is_empty():
        words = pl.lit(None, pl.String)
        for failed, said in reversed(checks):
            words = pl.when(failed).then(said).otherwise(words)
        line, problem = bad.select("line", words).row(0)
        raise EventFileError(f"{path}, line {line}: {problem}")
    return _facts(path, rows)


def _stay_id_checks(personal: list[str]) -> list[tuple[pl.Expr, pl.Expr]]:
    """Stay ids are checked before they reach a settlement or an underlag (ADR 0027)."""
    return [
        (pl.col("stay_id") == "", pl.lit("stay_id is empty")),
        (
            ~pl.col("stay_id").str.contains(rf"^{ID_ALPHABET}{{1,{ID_MAX_LENGTH}}}$"),
            pl.lit(f"stay_id must be 1-{ID_MAX_LENGTH} letters, digits or _ . : -"),
        ),
        (pl.col("stay_id").is_in(personal), pl.lit(f"stay_id {PERSONNUMMER_IN_ID}")),
    ]


def _personal(stay_ids: pl.Series) -> list[str]:
    """The stay ids that look like they hold a personnummer. A year has a million stays: only those with a run of
    digits shaped like one (6 or 8 digits, a `-`, a `+` or none, 4 digits, no digit either side, as
    `identifiers.looks_like_personnummer` finds them) are looked at one by one for a date part."""
    shaped = stay_ids.str.contains(r"(^|[^0-9])([0-9]{6}|[0-9]{8})[-+]?[0-9]{4}([^0-9]|$)")
    return [stay_id for stay_id in stay_ids.filter(shaped).unique().to_list() if stay_id_problem(stay_id) is not None]


def _facts(path: Path, rows: pl.DataFrame) -> FileFacts:
    """Checked lines as the engine's facts (FACT_SCHEMA); each line its own event, `file:line`, by its number."""
    return FileFacts(_fact_columns(rows.lazy()).collect(), EventIds(name=path.name, lines=rows["line"]))


def _fact_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.select(
        "stay_id",
        "kind",
        pl.col("at_utc").alias("at"),
        "at_offset",
        pl.lit(None, pl.String).alias("event_id"),
        "municipality",
        "care_type",
        pl.lit(None, pl.String).alias("reason"),
        pl.lit(None, pl.Int64).alias("received_at"),
        pl.lit(None, pl.Int32).alias("received_offset"),
    ).cast(FACT_SCHEMA)  # type: ignore[arg-type]


# A plain file is split by Polars. The event is read as one of the five kinds (anything else fails the read), and its
# place in the list is the kind's code.
CSV_EVENT = pl.Enum([kind.value for kind in CSV_KINDS])
KIND_OF_CSV_EVENT = {i: KIND_CODE[kind.value] for i, kind in enumerate(CSV_KINDS)}


def _plain_facts(path: Path, data: bytes) -> FileFacts | None:
    """The facts of a plain file (no quotes, no blank lines, five columns on every line), when every line passes
    every check; None otherwise (the caller reads it again and names the first bad line). The checks are those of
    `_read_csv`, each where it is cheapest: a stay id once per run of lines of one stay, a municipality once per
    code, an event by the reader."""
    schema: dict[str, pl.DataType | type[pl.DataType]] = {name: pl.String for name in CSV_HEADER}
    schema["event"] = CSV_EVENT
    kind = pl.col("event").to_physical().replace_strict(KIND_OF_CSV_EVENT, return_dtype=pl.UInt8)
    try:
        # Split and the times read in one query, by the streaming engine: both threads work through the file at once.
        scanned = pl.scan_csv(data, schema=schema, has_header=True, quote_char=None)
        read = _instants(scanned.with_columns(kind=kind)).collect(engine="streaming").rechunk()
    except pl.exceptions.PolarsError:  # a line with more columns, an unknown event, bytes that are not UTF-8
        return None
    # Every line a record of five fields (a blank or short line reads as nulls, a long one fails).
    if read.select(CSV_HEADER).null_count().sum_horizontal().item():
        return None
    stay_id, lines = pl.col("stay_id"), read.lazy()
    # The checks' columns, side by side on Polars' threads.
    codes, care_types, stay_ids = pl.collect_all(
        [
            lines.select(pl.col("municipality").unique()),
            lines.select(pl.col("care_type").is_in(CARE_TYPES).all()),
            lines.filter((stay_id != stay_id.shift(1)).fill_null(True)).select("stay_id"),
        ]
    )
    # Lines end with LF or CRLF (Polars drops the CR before an LF). The csv module would also end a line at a lone
    # CR: in any field but the stay id that fails a check, and a failed check reads the file again record by record.
    # A stay id is looked at once per run of its lines (the lines of a run have the same id).
    if b"\r" in data and stay_ids["stay_id"].str.contains("\r", literal=True).any():
        return None
    if any(municipality_code_problem(c) for c in codes["municipality"].to_list()):
        return None
    personal = _personal(stay_ids["stay_id"])
    if stay_ids.select(pl.any_horizontal(failed for failed, _ in _stay_id_checks(personal)).any()).item():
        return None
    if not care_types.item():
        return None
    facts = _fact_columns(_at_utc(read)).collect()
    if facts["at"].has_nulls() or facts["at_offset"].has_nulls():
        return None
    line = pl.int_range(2, facts.height + 2, dtype=pl.Int64, eager=True)  # every record is one line here
    return FileFacts(facts, EventIds(name=path.name, lines=line))


def _csv_records(data: bytes) -> pl.DataFrame:
    """The records after the header as strings, as the csv module splits them, with their line numbers and how many
    columns each had."""
    records = csv.reader(data.decode("utf-8").splitlines()[1:])
    parsed = [
        (line_no, len(row), *(row + [""] * len(CSV_HEADER))[: len(CSV_HEADER)])
        for line_no, row in enumerate(records, start=2)
        if row
    ]
    strings = {name: pl.String for name in CSV_HEADER}
    return pl.DataFrame(parsed, schema={"line": pl.Int64, "columns": pl.Int64, **strings}, orient="row")


# A time as `datetime.fromisoformat` reads it. The usual form, to the second with a ±HH:MM offset, is read in columns;
# any other (fractions, Z, no offset, a typo) by `datetime.fromisoformat` itself, once per distinct text.
USUAL_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][+-]([01][0-9]|2[0-3]):[0-5][0-9]$"


def _instants(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Whether each row's `at` is in the usual form (`usual`), and if so its `offset` (seconds) and `wall` clock."""
    at = pl.col("at")
    usual = at.str.contains(USUAL_TIME)
    # In the usual form the offset is ±HH:MM after the seconds (the pattern has checked its digits).
    sign = pl.when(at.str.slice(19, 1) == "-").then(-1).otherwise(1)
    hours, minutes = (at.str.slice(start, 2).str.to_integer(strict=False) for start in (20, 23))
    return rows.with_columns(  # one pass: the expressions run side by side
        usual=usual,
        offset=pl.when(usual).then(sign * (hours * 3600 + minutes * 60)).cast(pl.Int32),
        # Times are mostly distinct: no cache of parsed texts.
        wall=at.str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False, cache=False),
    )


def _at_utc(read: pl.DataFrame) -> pl.LazyFrame:
    """`at_utc` (microseconds since the epoch) and `at_offset` (seconds) of each row's `at` (`_instants`); null when
    `at` is not a time (`at_utc`) or has no offset (`at_offset`). A time in another form than the usual is read by
    `datetime.fromisoformat`, once per distinct text."""
    in_columns = pl.col("wall").cast(pl.Int64) - pl.col("offset").cast(pl.Int64) * 1_000_000
    if read["usual"].all():
        return read.lazy().with_columns(at_utc=in_columns, at_offset=pl.col("offset"))
    others = read.filter(~pl.col("usual"))["at"].unique().to_list()
    by_python = pl.DataFrame(
        [(text, *_read_time(text)) for text in others],
        schema={"at": pl.String, "python_at": pl.Int64, "python_offset": pl.Int32},
        orient="row",
    )
    return (
        read.lazy()
        .join(by_python.lazy(), on="at", how="left", maintain_order="left")
        .with_columns(
            at_utc=pl.when("usual").then(in_columns).otherwise("python_at"),
            at_offset=pl.when("usual").then("offset").otherwise("python_offset"),
        )
    )


def _read_time(text: str) -> tuple[int | None, int | None]:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None, None
    return (micros(value), offset_seconds(value)) if value.tzinfo is not None else (0, None)


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
