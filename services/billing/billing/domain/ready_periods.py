"""From a stay's facts to its ready periods and anomalies (domain §3.1 rules 2 and 7; the process wave, ADR 0016).

A period opens at a discharge-ready notice (at its corrected send time when the notice was backdated) and closes at
its withdrawal, at discharge, or at an interruption that ends the process (death, declined support: the stay's end
for billing, since no discharge is recorded after it); a repeated notice while ready does not restart it. A move to
another municipality splits the stay between payers (`domain/moves.py`); a cancelled notice takes the stay out of
billing. Facts that contradict the timeline are reported, never guessed at.

Every stay at once (ADR 0019): `timelines` takes the facts as a frame (`facts_frame`, or the CLI's and the
repository's readers) and gives the timelines as frames (`Timelines`); `stay_timeline` is the same computation for one
stay, read back as a `StayTimeline`. The rules are stated once, as column expressions over each stay's facts in
process order.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from billing.domain.facts import (
    EVENT_NUMBER,
    FACT_SCHEMA,
    MOVED,
    PROCESS_ENDING,
    PROCESS_ORDER,
    EventIds,
    FactKind,
    FileFacts,
    StayFact,
    facts_frame,
    instant,
    micros,
    offset_seconds,
)


@dataclass(frozen=True)
class ReadyPeriod:
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str | None = None
    # A backdated notice (ADR 0016): when the server received it, and the ward's reason for the earlier time.
    backdated_from: datetime | None = None
    backdating_reason: str | None = None
    note: str = ""  # how the period opened or closed when not by a plain notice, withdrawal or discharge


@dataclass(frozen=True)
class Move:
    """The patient became a resident of `municipality` at `at` (ProcessInterrupted, moved_municipality)."""

    at: datetime
    municipality: str
    event_id: str


@dataclass(frozen=True)
class StayTimeline:
    stay_id: str
    municipality: str | None
    care_type: str
    admission_notice: str | None
    sip_invitation: str | None
    discharged_at: datetime | None
    discharged_by: str | None
    periods: tuple[ReadyPeriod, ...]
    anomalies: tuple[str, ...] = field(default=())
    cancelled_by: str | None = None  # makulering: the stay is never billed
    process_ended_at: datetime | None = None  # a death or declined support before discharge: the stay's end
    interrupted: str | None = None  # the reason of that interruption (died, declined_support)
    moves: tuple[Move, ...] = ()
    other_event_ids: tuple[str, ...] = ()  # interruptions and backdatings, for tracing

    @property
    def ended_at(self) -> datetime | None:
        """Discharge, or the end of the process before it: the stay belongs to this instant's month (domain §3.1
        rule 1, ADR 0016)."""
        return min((t for t in (self.discharged_at, self.process_ended_at) if t is not None), default=None)

    @property
    def municipalities(self) -> tuple[str, ...]:
        """Every municipality that has had the patient during the stay: home first, then each move."""
        return tuple(dict.fromkeys([m for m in (self.municipality,) if m] + [m.municipality for m in self.moves]))

    @property
    def event_ids(self) -> tuple[str, ...]:
        ids = [self.admission_notice, self.sip_invitation, self.discharged_by, self.cancelled_by, *self.other_event_ids]
        for p in self.periods:
            ids += [p.opened_by, p.closed_by]
        return tuple(sorted({i for i in ids if i}))


STAY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay_id": pl.String,
    "stay": pl.UInt32,  # the stay's number, in the order of stay ids
    "municipality": pl.String,
    "care_type": pl.String,
    "admission_notice": EVENT_NUMBER,
    "sip_invitation": EVENT_NUMBER,
    "discharged_at": pl.Int64,
    "discharged_offset": pl.Int32,
    "discharged_by": EVENT_NUMBER,
    "cancelled_by": EVENT_NUMBER,
    "process_ended_at": pl.Int64,
    "process_ended_offset": pl.Int32,
    "interrupted": pl.String,
}
PERIOD_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay_id": pl.String,
    "stay": pl.UInt32,  # the stay's number, in the order of stay ids
    "n": pl.UInt32,  # the period's place in its stay
    "opened_at": pl.Int64,
    "opened_offset": pl.Int32,
    "closed_at": pl.Int64,
    "closed_offset": pl.Int32,
    "opened_by": EVENT_NUMBER,
    "closed_by": EVENT_NUMBER,
    "backdated_from": pl.Int64,
    "backdated_offset": pl.Int32,
    "backdating_reason": pl.String,
    "note": pl.String,
}
MOVE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay_id": pl.String,
    "stay": pl.UInt32,  # the stay's number, in the order of stay ids
    "n": pl.UInt32,
    "at": pl.Int64,
    "at_offset": pl.Int32,
    "municipality": pl.String,
    "event_id": EVENT_NUMBER,
}
ANOMALY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay_id": pl.String,
    "stay": pl.UInt32,
    "n": pl.UInt32,
    "text": pl.String,
}
OTHER_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay_id": pl.String,
    "stay": pl.UInt32,
    "event_id": EVENT_NUMBER,
}


@dataclass(frozen=True)
class Timelines:
    """Many stays' timelines as frames: what `StayTimeline` says of one stay, for every stay at once.

    `stays` has one row per stay (STAY_SCHEMA), in the order of stay ids, each with its number `stay` (its row in
    `stays`, and the key of the other frames); `periods`, `moves`, `anomalies` (in the order found) and `others`
    (interruptions and backdatings, for tracing) have the rows of each stay, numbered `n` in order. The facts behind
    them (`admission_notice`, `opened_by`, `event_id`, …) are event numbers, written out by `event_ids`."""

    stays: pl.DataFrame
    periods: pl.DataFrame
    moves: pl.DataFrame
    anomalies: pl.DataFrame
    others: pl.DataFrame
    event_ids: EventIds
    # What a month's cohort takes from these timelines under any agreement, once per month (`cohort.month_members`).
    months: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ended_at(self) -> pl.Expr:
        """Discharge, or the end of the process before it: the stay belongs to this instant's month (domain §3.1
        rule 1, ADR 0016). A column of `stays`."""
        return pl.min_horizontal("discharged_at", "process_ended_at")

    @classmethod
    def of(cls, timelines: Iterable["StayTimeline"]) -> "Timelines":
        """Timelines already read as objects, back in the engine's form."""
        stays, periods, moves, anomalies, others = [], [], [], [], []
        given = sorted(timelines, key=lambda t: t.stay_id)
        numbers: dict[str | None, int | None] = {None: None}

        def number(event_id: str | None) -> int | None:
            return numbers.setdefault(event_id, len(numbers) - 1)

        for key, t in enumerate(given):
            stays.append(
                (
                    t.stay_id,
                    key,
                    t.municipality,
                    t.care_type,
                    number(t.admission_notice),
                    number(t.sip_invitation),
                    *_columns(t.discharged_at),
                    number(t.discharged_by),
                    number(t.cancelled_by),
                    *_columns(t.process_ended_at),
                    t.interrupted,
                )
            )
            for n, p in enumerate(t.periods):
                periods.append(
                    (
                        t.stay_id,
                        key,
                        n,
                        *_columns(p.opened_at),
                        *_columns(p.closed_at),
                        number(p.opened_by),
                        number(p.closed_by),
                        *_columns(p.backdated_from),
                        p.backdating_reason,
                        p.note,
                    )
                )
            moves += [
                (t.stay_id, key, n, *_columns(m.at), m.municipality, number(m.event_id)) for n, m in enumerate(t.moves)
            ]
            anomalies += [(t.stay_id, key, n, text) for n, text in enumerate(t.anomalies)]
            others += [(t.stay_id, key, number(event_id)) for event_id in t.other_event_ids]
        return cls(
            pl.DataFrame(stays, schema=STAY_SCHEMA, orient="row"),
            pl.DataFrame(periods, schema=PERIOD_SCHEMA, orient="row"),
            pl.DataFrame(moves, schema=MOVE_SCHEMA, orient="row"),
            pl.DataFrame(anomalies, schema=ANOMALY_SCHEMA, orient="row"),
            pl.DataFrame(others, schema=OTHER_SCHEMA, orient="row"),
            EventIds(texts=pl.Series(list(numbers)[1:], dtype=pl.String)),
        )

    def objects(self) -> list["StayTimeline"]:
        """Each stay's timeline as a `StayTimeline`, by stay id."""
        periods, moves, anomalies, others = (defaultdict(list) for _ in range(4))
        ids = self.event_ids
        for p in ids.numbered(self.periods.sort("stay_id", "n"), "opened_by", "closed_by").iter_rows(named=True):
            periods[p["stay_id"]].append(
                ReadyPeriod(
                    _instant(p, "opened_at", "opened_offset"),
                    instant(p["closed_at"], p["closed_offset"]),
                    p["opened_by"],
                    p["closed_by"],
                    instant(p["backdated_from"], p["backdated_offset"]),
                    p["backdating_reason"],
                    p["note"],
                )
            )
        for m in ids.numbered(self.moves.sort("stay_id", "n"), "event_id").iter_rows(named=True):
            moves[m["stay_id"]].append(Move(_instant(m, "at", "at_offset"), m["municipality"], m["event_id"]))
        for a in self.anomalies.sort("stay_id", "n").iter_rows(named=True):
            anomalies[a["stay_id"]].append(a["text"])
        for o in ids.numbered(self.others, "event_id").iter_rows(named=True):
            others[o["stay_id"]].append(o["event_id"])
        return [
            StayTimeline(
                s["stay_id"],
                s["municipality"],
                s["care_type"],
                s["admission_notice"],
                s["sip_invitation"],
                instant(s["discharged_at"], s["discharged_offset"]),
                s["discharged_by"],
                tuple(periods[s["stay_id"]]),
                tuple(anomalies[s["stay_id"]]),
                s["cancelled_by"],
                instant(s["process_ended_at"], s["process_ended_offset"]),
                s["interrupted"],
                tuple(moves[s["stay_id"]]),
                tuple(others[s["stay_id"]]),
            )
            for s in ids.numbered(
                self.stays.sort("stay_id"), "admission_notice", "sip_invitation", "discharged_by", "cancelled_by"
            ).iter_rows(named=True)
        ]


def _columns(at: datetime | None) -> tuple[int | None, int | None]:
    return (micros(at), offset_seconds(at)) if at is not None else (None, None)


def _instant(row: dict, at: str, offset: str) -> datetime:
    value = instant(row[at], row[offset])
    assert value is not None
    return value


# Facts are sorted by stay, then in process order; `first` marks each stay's first fact. Running counts and
# numbers restart there (cheaper than a window per stay, and the same).
first = pl.col("first")


def _marked(frame: pl.DataFrame, key: str = "stay") -> pl.DataFrame:
    return frame.with_columns(first=(pl.col(key) != pl.col(key).shift(1)).fill_null(True))


def _before(flag: pl.Expr) -> pl.Expr:
    """Whether an earlier fact of the stay (in process order) has the flag."""
    count = flag.cast(pl.UInt32).cum_sum() - flag.cast(pl.UInt32)
    return count > pl.when(first).then(count).forward_fill()


def _number() -> pl.Expr:
    """Each row's place in its stay: 0, 1, 2, …"""
    row = pl.int_range(pl.len(), dtype=pl.UInt32)
    return row - pl.when(first).then(row).forward_fill()


K = PROCESS_ORDER  # a kind as the engine has it: its place in the process order
kind = pl.col("kind")
ready, withdrawn = kind == K[FactKind.DISCHARGE_READY], kind == K[FactKind.DISCHARGE_READY_WITHDRAWN]
discharge, interruption = kind == K[FactKind.DISCHARGED], kind == K[FactKind.PROCESS_INTERRUPTED]
ending, moved = pl.col("reason").is_in(PROCESS_ENDING), pl.col("reason") == MOVED

# What a fact says against the timeline (rule 7), worded at the end (`_words`) for the few stays that have one.
READY_AFTER_DISCHARGE, READY_AFTER_INTERRUPTION, WITHDRAWN_NOT_READY, MOVE_WITHOUT_MUNICIPALITY, SECOND_DISCHARGE = (
    range(5)
)


def timelines(facts: pl.DataFrame | FileFacts) -> Timelines:
    """Every stay's timeline from its facts (FACT_SCHEMA, or a file's; any order: facts at one instant apply in
    PROCESS_ORDER, then in the order given)."""
    if isinstance(facts, FileFacts):
        event_ids, facts = facts.event_ids, facts.frame
    else:
        event_ids = EventIds(texts=facts["event_id"])
    # Each fact's event is its number, the row it was given in (`seq`): only numbers are sorted, paired and gathered.
    facts = facts.select(FACT_SCHEMA.keys()).with_row_index("seq").with_columns(event_id=pl.col("seq"))
    effective, unmatched = _backdated(facts)
    # Each stay's number, in the order of stay ids: counted along the runs of one stay's facts when they come sorted by
    # stay id (a file written stay by stay), ranked otherwise. Sorting by the number is sorting by the stay id.
    stay_id = pl.col("stay_id")
    runs = (stay_id != stay_id.shift(1)).fill_null(True).cum_sum() - 1
    number = runs if effective["stay_id"].is_sorted() else stay_id.rank("dense") - 1
    ordered = effective.with_columns(stay=number.cast(pl.UInt32)).sort("stay", "at", "kind", "seq")
    ordered = _marked(ordered.with_row_index("pos"))

    # How far the stay has come before each fact: discharged, or ended by a death or declined support (which end the
    # process, and the ready period, unless the stay ended before them; ADR 0016).
    ordered = ordered.with_columns(
        discharged_before=_before(discharge), ending_before=_before(interruption & ending)
    ).with_columns(ends=interruption & ending & ~pl.col("discharged_before") & ~pl.col("ending_before"))
    ordered = ordered.with_columns(ended_before=_before(pl.col("ends"))).with_columns(
        live=~pl.col("discharged_before") & ~pl.col("ended_before")
    )
    live, ended_before, discharged_before = pl.col("live"), pl.col("ended_before"), pl.col("discharged_before")

    # Rule 2: while the stay lasts, a notice opens a period unless one is open (the last notice or withdrawal before
    # it was a notice), and a withdrawal closes the open one; a withdrawal with none open is an anomaly (rule 7). The
    # stay's end (its discharge, or an interruption that ends the process) closes a period still open.
    notice = pl.when((ready | withdrawn) & live).then(kind)
    last_notice = pl.when(first).then(-1).otherwise(notice.shift(1)).forward_fill()  # -1: none yet in this stay
    ordered = ordered.with_columns(was_ready=last_notice == K[FactKind.DISCHARGE_READY])
    was_ready = pl.col("was_ready")
    stay_ends = (discharge & live) | pl.col("ends")
    periods = _pair(
        ordered.filter((ready & live & ~was_ready) | (withdrawn & live & was_ready) | (stay_ends & was_ready))
    )

    found = ordered.with_columns(
        what=pl.when(ready & ~live & discharged_before)
        .then(READY_AFTER_DISCHARGE)
        .when(ready & ~live)
        .then(READY_AFTER_INTERRUPTION)
        .when(withdrawn & ((live & ~was_ready) | (~live & ~ended_before)))
        .then(WITHDRAWN_NOT_READY)
        .when(interruption & live & moved & pl.col("municipality").is_null())
        .then(MOVE_WITHOUT_MUNICIPALITY)
        .when(discharge & discharged_before)
        .then(SECOND_DISCHARGE)
    ).filter(pl.col("what").is_not_null())

    moves = _marked(ordered.filter(interruption & live & moved & pl.col("municipality").is_not_null())).with_columns(
        n=_number()
    )
    # What the stay is: its first fact of each kind (facts are in process order), its home municipality from the
    # first fact that names one (a move names the new one), and how it ended.
    stays = ordered.filter(first).select("stay", "stay_id")  # row k is stay k
    known = ordered.lazy()
    wanted = (
        ({"municipality": "municipality"}, ~interruption & pl.col("municipality").is_not_null()),
        ({"care_type": "care_type"}, pl.col("care_type").is_not_null()),
        ({"event_id": "admission_notice"}, kind == K[FactKind.ADMISSION_NOTICE]),
        ({"event_id": "sip_invitation"}, kind == K[FactKind.SIP_INVITATION]),
        ({"at": "discharged_at", "at_offset": "discharged_offset", "event_id": "discharged_by"}, discharge),
        ({"event_id": "cancelled_by"}, kind == K[FactKind.NOTICE_CANCELLED]),
        ({"at": "process_ended_at", "at_offset": "process_ended_offset", "reason": "interrupted"}, pl.col("ends")),
    )
    each_first = pl.collect_all(  # side by side, on Polars' threads
        known.filter(where).select("stay", *columns).filter((pl.col("stay") != pl.col("stay").shift(1)).fill_null(True))
        for columns, where in wanted
    )
    for (columns, _), firsts in zip(wanted, each_first, strict=True):
        for column, name in columns.items():  # each stay's value at its row; none where it has no such fact
            empty = pl.repeat(None, stays.height, dtype=firsts[column].dtype, eager=True).alias(name)
            stays = stays.with_columns(empty.scatter(firsts["stay"], firsts[column]))
    stays = stays.with_columns(pl.col("care_type").fill_null("somatic"))
    stays = pl.concat([stays, _known_by_backdating_alone(facts, stays)], how="diagonal_relaxed")
    stays = stays.sort("stay").select(STAY_SCHEMA.keys()).cast(STAY_SCHEMA)  # type: ignore[arg-type]
    keys = stays.select("stay_id", "stay")
    others = facts.filter(kind.is_in([K[FactKind.PROCESS_INTERRUPTED], K[FactKind.DISCHARGE_READY_BACKDATED]]))
    return Timelines(
        stays,
        periods,
        moves.select(MOVE_SCHEMA.keys()),
        _words(unmatched, found.join(stays.select("stay", "interrupted"), on="stay", how="left"))
        .join(keys, on="stay_id")
        .select(ANOMALY_SCHEMA.keys()),
        others.sort("seq").join(keys, on="stay_id", maintain_order="left").select(OTHER_SCHEMA.keys()),
        event_ids,
    )


def _known_by_backdating_alone(facts: pl.DataFrame, stays: pl.DataFrame) -> pl.DataFrame:
    """Stays of which billing has nothing but a backdating (numbered after the others): no timeline, an anomaly."""
    backdated = facts.filter(kind == K[FactKind.DISCHARGE_READY_BACKDATED]).select("stay_id").unique()
    alone = backdated.join(stays, on="stay_id", how="anti").sort("stay_id") if backdated.height else backdated
    return alone.with_columns(stay=(pl.int_range(pl.len()) + stays.height).cast(pl.UInt32), care_type=pl.lit("somatic"))


def _pair(events: pl.DataFrame) -> pl.DataFrame:
    """Each opening notice with the fact that closed its period (none: still open). In a stay's process order they
    alternate, opening first, so a period's close is the next of these facts."""
    events = _marked(events).with_columns(opening=ready)
    same_stay = pl.col("stay").shift(-1) == pl.col("stay")

    def closing(column: pl.Expr) -> pl.Expr:
        return pl.when(same_stay).then(column.shift(-1))

    note = pl.when("ends").then(pl.format("closed: process interrupted ({})", "reason")).otherwise(pl.lit(""))
    return (
        events.with_columns(
            closed_at=closing(pl.col("at")),
            closed_offset=closing(pl.col("at_offset")),
            closed_by=closing(pl.col("event_id")),
            note=closing(note).fill_null(""),
        )
        .filter("opening")
        .pipe(_marked)
        .select(
            "stay_id",
            "stay",
            _number().alias("n"),
            pl.col("at").alias("opened_at"),
            pl.col("at_offset").alias("opened_offset"),
            "closed_at",
            "closed_offset",
            pl.col("event_id").alias("opened_by"),
            "closed_by",
            "backdated_from",
            "backdated_offset",
            "backdating_reason",
            "note",
        )
        .cast(PERIOD_SCHEMA)  # type: ignore[arg-type]
    )


def _backdated(facts: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    """Each backdated notice at its real send time (ADR 0016); returns the facts without the backdatings, each
    corrected notice marked with its receipt time and reason, and the anomalies of backdatings that match no
    notice. Backdatings are rare: they are matched one by one, in the order given."""
    backdating = kind == K[FactKind.DISCHARGE_READY_BACKDATED]
    backdatings = facts.filter(backdating)
    marks: list[tuple[str, str, int, int, int | None, int | None, str | None]] = []
    unmatched: list[tuple[str, int, str]] = []
    if not backdatings.is_empty():
        candidates = facts.filter(
            (kind == K[FactKind.DISCHARGE_READY]) & pl.col("stay_id").is_in(backdatings["stay_id"].implode())
        )
        notices: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in candidates.sort("seq").iter_rows(named=True):
            notices[row["stay_id"]].append(row)
        taken: set[tuple[str, str]] = set()
        for b in backdatings.sort("seq").iter_rows(named=True):
            corrected = _notice_received_at(notices[b["stay_id"]], b["received_at"], taken)
            if corrected is None:
                received = instant(b["received_at"], b["received_offset"])
                unmatched.append(
                    (
                        b["stay_id"],
                        b["seq"],
                        f"backdating to {_instant(b, 'at', 'at_offset').isoformat()} of a discharge-ready notice "
                        f"received at {received.isoformat() if received else '?'} that billing does not have",
                    )
                )
                continue
            taken.add((b["stay_id"], corrected["event_id"]))
            marks.append(
                (
                    b["stay_id"],
                    corrected["event_id"],
                    b["at"],
                    b["at_offset"],
                    b["received_at"],
                    b["received_offset"],
                    b["reason"],
                )
            )
    marked = pl.DataFrame(
        marks,
        schema={
            "stay_id": pl.String,
            "event_id": EVENT_NUMBER,
            "sent_at": pl.Int64,
            "sent_offset": pl.Int32,
            "backdated_from": pl.Int64,
            "backdated_offset": pl.Int32,
            "backdating_reason": pl.String,
        },
        orient="row",
    )
    effective = facts.filter(~backdating)
    if marked.is_empty():
        return effective.with_columns(
            backdated_from=pl.lit(None, pl.Int64),
            backdated_offset=pl.lit(None, pl.Int32),
            backdating_reason=pl.lit(None, pl.String),
        ), unmatched
    return (
        effective.join(marked, on=["stay_id", "event_id"], how="left", maintain_order="left")
        .with_columns(
            at=pl.coalesce("sent_at", "at"),
            at_offset=pl.when(pl.col("sent_at").is_not_null()).then("sent_offset").otherwise("at_offset"),
        )
        .drop("sent_at", "sent_offset"),
        unmatched,
    )


def _notice_received_at(
    notices: list[dict[str, Any]], received_at: int | None, taken: set[tuple[str, str]]
) -> dict[str, Any] | None:
    """The notice a backdating corrects: received at `received_at` (the notice's own send time), or failing that
    within a second of it (a producer that rounds a time), never one corrected already."""
    if received_at is None:
        return None
    free = [n for n in notices if (n["stay_id"], n["event_id"]) not in taken]
    exact = [n for n in free if n["at"] == received_at]
    near = [n for n in free if abs(n["at"] - received_at) < 1_000_000]
    return next(iter(exact or near), None)


def _words(unmatched: list[tuple[str, int, str]], found: pl.DataFrame) -> pl.DataFrame:
    """The anomalies of each stay in the order found: unmatched backdatings first, then the timeline's."""
    rows: list[tuple[str, int, int, str]] = [(stay, 0, seq, text) for stay, seq, text in unmatched]
    for a in found.iter_rows(named=True):
        at = _instant(a, "at", "at_offset").isoformat()
        text = {
            READY_AFTER_DISCHARGE: f"discharge-ready notice at {at} after discharge",
            READY_AFTER_INTERRUPTION: (
                f"discharge-ready notice at {at} after the process was interrupted ({a['interrupted']})"
            ),
            WITHDRAWN_NOT_READY: f"withdrawal at {at} while not discharge-ready",
            MOVE_WITHOUT_MUNICIPALITY: f"move at {at} to a municipality the event does not name",
            SECOND_DISCHARGE: f"second discharge at {at}",
        }[a["what"]]
        rows.append((a["stay_id"], 1, a["pos"], text))
    rows.sort(key=lambda r: r[:3])
    counts: dict[str, int] = defaultdict(int)
    numbered: list[tuple[str, int, str]] = []
    for stay, _, _, text in rows:
        numbered.append((stay, counts[stay], text))
        counts[stay] += 1
    return pl.DataFrame(numbered, schema={"stay_id": pl.String, "n": pl.UInt32, "text": pl.String}, orient="row")


def stay_timeline(stay_id: str, facts: Iterable[StayFact]) -> StayTimeline:
    """One stay's timeline: `timelines` on its facts, read back as an object."""
    found = timelines(facts_frame(facts)).objects()
    return found[0] if found else StayTimeline(stay_id, None, "somatic", None, None, None, None, ())
