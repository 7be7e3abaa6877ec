"""A move to another municipality during a stay (avbrott i processen, moved_municipality; ADR 0016): the stay's
ready time is split at each move, and each municipality pays for the part of the stay while the patient was its
resident (domain §3.1 rule 1: a stay belongs to the municipality where the patient is folkbokförd).

Each part is a stay of its municipality's month: counted in its N with the ready days of its part. Counting by
boundary crossings is additive (the property tests: splitting a period never changes the total), so a move never
adds or loses a day across the municipalities."""

from dataclasses import replace

import polars as pl

from billing.domain.facts import instant
from billing.domain.ready_periods import PERIOD_SCHEMA, StayTimeline, Timelines

PART_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "stay": pl.UInt32,
    "part": pl.UInt32,
    "municipality": pl.String,
}


def split_at_moves(timelines: Timelines, stays: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The parts of `stays` (stay, municipality, ended_at) as each municipality pays for them, and their ready
    periods (PERIOD_SCHEMA with `part`): a stay is one part, part 0, unless the patient moved before it ended."""
    moves = (
        timelines.moves.join(stays.select("stay", "ended_at"), on="stay")
        .filter(pl.col("ended_at").is_null() | (pl.col("at") < pl.col("ended_at")))
        .sort("stay", "n")
    )
    periods = timelines.periods.join(stays.select("stay"), on="stay", how="semi")
    if moves.is_empty():
        return (
            stays.select("stay", pl.lit(0, pl.UInt32).alias("part"), "municipality"),
            periods.with_columns(part=pl.lit(0, pl.UInt32)),
        )
    unmoved = stays.join(moves, on="stay", how="anti")
    whole = (
        unmoved.select("stay", pl.lit(0, pl.UInt32).alias("part"), "municipality"),
        periods.join(unmoved, on="stay", how="semi").with_columns(part=pl.lit(0, pl.UInt32)),
    )
    # A move's instant names the move that cut a period there (the last one, should two share an instant).
    by_instant = moves.group_by("stay", "at").agg(pl.col("event_id").last().alias("move_id"))
    next_move = pl.col("at").shift(-1).over("stay")
    bounds = pl.concat(
        [
            # Part 0: the home municipality until the first move; part k: the k-th move's municipality from it.
            stays.join(moves.filter(pl.col("n") == pl.col("n").min().over("stay")), on="stay").select(
                "stay",
                pl.lit(0, pl.UInt32).alias("part"),
                "municipality",
                pl.lit(None, pl.Int64).alias("start"),
                pl.lit(None, pl.Int32).alias("start_offset"),
                pl.col("at").alias("end"),
                pl.col("at_offset").alias("end_offset"),
            ),
            moves.select(
                "stay",
                (pl.int_range(pl.len()).over("stay") + 1).cast(pl.UInt32).alias("part"),
                "municipality",
                pl.col("at").alias("start"),
                pl.col("at_offset").alias("start_offset"),
                next_move.alias("end"),
                pl.col("at_offset").shift(-1).over("stay").alias("end_offset"),
            ),
        ]
    )
    clipped = _clip(periods.join(bounds, on="stay"), by_instant)
    return (
        pl.concat([whole[0], bounds.select(PART_SCHEMA.keys())]),
        pl.concat([whole[1], clipped.select(*PERIOD_SCHEMA.keys(), "part")]),
    )


def _clip(cut: pl.DataFrame, by_instant: pl.DataFrame) -> pl.DataFrame:
    """Each period's part in [start, end) of its municipality (null: unbounded), opened or closed by the move where
    it is cut; a notice and discharge at one instant stays whole, in the part holding it."""
    opened, closed, start, end = pl.col("opened_at"), pl.col("closed_at"), pl.col("start"), pl.col("end")
    instant_period = opened == closed
    cut = cut.with_columns(
        new_open=pl.when(start.is_null() | instant_period).then(opened).otherwise(pl.max_horizontal(opened, start)),
        new_close=pl.when(end.is_null() | instant_period).then(closed).otherwise(pl.min_horizontal(closed, end)),
    ).filter(
        pl.when(instant_period)
        .then((start.is_null() | (start <= opened)) & (end.is_null() | (opened < end)))
        .otherwise(pl.col("new_open") < pl.col("new_close"))
    )
    cut_open, cut_close = pl.col("new_open") != opened, pl.col("new_close") != closed
    cut = (
        cut.join(
            by_instant.rename({"at": "new_open", "move_id": "opened_by_move"}), on=["stay", "new_open"], how="left"
        )
        .join(by_instant.rename({"at": "new_close", "move_id": "closed_by_move"}), on=["stay", "new_close"], how="left")
        .with_columns(
            opened_at=pl.col("new_open"),
            closed_at=pl.col("new_close"),
            opened_offset=pl.when(cut_open).then("start_offset").otherwise("opened_offset"),
            closed_offset=pl.when(cut_close).then("end_offset").otherwise("closed_offset"),
            opened_by=pl.when(cut_open).then("opened_by_move").otherwise("opened_by"),
            closed_by=pl.when(cut_close).then("closed_by_move").otherwise("closed_by"),
            backdated_from=pl.when(~cut_open).then("backdated_from"),
            backdated_offset=pl.when(~cut_open).then("backdated_offset"),
            backdating_reason=pl.when(~cut_open).then("backdating_reason"),
            cut_open=cut_open,
            cut_close=cut_close,
        )
    )
    notes = [
        "; ".join(
            n
            for n in (
                f"opened at the move: the new municipality pays from {_iso(p['opened_at'], p['opened_offset'])}"
                if p["cut_open"]
                else "",
                f"closed at the move to another municipality at {_iso(p['closed_at'], p['closed_offset'])}"
                if p["cut_close"]
                else "",
                p["note"],
            )
            if n
        )
        for p in cut.select(
            "opened_at", "opened_offset", "closed_at", "closed_offset", "cut_open", "cut_close", "note"
        ).iter_rows(named=True)
    ]
    return cut.with_columns(note=pl.Series(notes, dtype=pl.String))


def _iso(us: int, offset: int) -> str:
    moment = instant(us, offset)
    assert moment is not None
    return moment.isoformat()


def municipal_parts(timeline: StayTimeline) -> list[StayTimeline]:
    """The stay as each municipality pays for it: itself when the patient did not move while it lasted."""
    frames = Timelines.of([timeline])
    parts, periods = split_at_moves(frames, frames.stays.with_columns(ended_at=frames.ended_at))
    if parts.height == 1:
        return [timeline]
    by_part = {
        part: Timelines(
            frames.stays,
            periods.filter(pl.col("part") == part),
            frames.moves,
            frames.anomalies,
            frames.others,
            frames.event_ids,
        )
        .objects()[0]
        .periods
        for part in parts["part"]
    }
    return [
        replace(timeline, municipality=p["municipality"], periods=by_part[p["part"]], moves=())
        for p in parts.sort("part").iter_rows(named=True)
    ]
