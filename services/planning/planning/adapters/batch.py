"""A partition batch of events applied with a handful of statements (ADR 0020): the stays the batch's events name are
loaded (and locked) in one query, with their cases and parked events; the handlers then change them in memory through
the same repositories as ever, and at the end of the batch every changed row is written with one statement per table
and kind of write. The batch's one transaction (ADR 0005) keeps it all or nothing.

A repository in a session that applies a batch works on the batch's copy of a stay it covers (every stay the batch's
events name); anything else goes to the database at once, as outside a batch.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.adapters.rows import as_closed, case_from_row, case_row, stay_from_row, stay_row
from planning.adapters.tables import cases, parked_events, stays
from planning.domain.case import Case
from planning.domain.stay import PlannedStay
from svu_shared.batch import BATCH_KEY, BatchWrites, insert_rows, one_of, update_rows
from svu_shared.contracts import IntegrationEvent
from svu_shared.envelope import CloudEvent


class StayBatch(BatchWrites):
    """The batch's stays, their cases and parked events as the handlers leave them, and the rows to write."""

    def __init__(self) -> None:
        super().__init__()
        self.stays: dict[str, PlannedStay | None] = {}
        self.new_stays: set[str] = set()
        self.changed_stays: set[str] = set()
        self.cases: dict[str, dict[str, Case]] = {}  # by stay, by case id
        self.new_cases: set[str] = set()
        self.changed_cases: set[str] = set()
        self.as_closed: dict[str, dict[str, Any] | None] = {}  # what each case keeps of its stay (ADR 0025)
        self.parked: dict[str, list[CloudEvent]] = {}  # in the database, by stay (stays not there yet)
        self.newly_parked: dict[str, list[tuple[CloudEvent, dict[str, Any]]]] = {}
        self.taken: set[str] = set()  # stays whose parked events in the database were taken

    def covers(self, stay_id: str) -> bool:
        return stay_id in self.stays

    # --- what the repositories ask and tell ---

    def stay(self, stay_id: str) -> PlannedStay | None:
        return self.stays[stay_id]

    def add_stay(self, stay: PlannedStay) -> None:
        if self.stays[stay.stay_id] is not None:  # what the INSERT would refuse; the batch is applied in parts
            raise ValueError(f"stay {stay.stay_id} exists: it cannot be added again")
        self.stays[stay.stay_id] = stay
        self.new_stays.add(stay.stay_id)

    def save_stay(self, stay: PlannedStay) -> None:
        self.stays[stay.stay_id] = stay
        if stay.stay_id not in self.new_stays:
            self.changed_stays.add(stay.stay_id)

    def cases_of(self, stay_id: str) -> list[Case]:
        return sorted(self.cases.get(stay_id, {}).values(), key=lambda case: case.case_id)

    def add_case(self, case: Case) -> None:
        if case.case_id in self.cases.setdefault(case.stay_id, {}):
            raise ValueError(f"case {case.case_id} exists: it cannot be added again")
        self.cases[case.stay_id][case.case_id] = case
        self.new_cases.add(case.case_id)

    def save_case(self, case: Case, stay: PlannedStay | None = None) -> None:
        self.cases.setdefault(case.stay_id, {})[case.case_id] = case
        self.as_closed[case.case_id] = as_closed(case, stay, self.as_closed.get(case.case_id))
        if case.case_id not in self.new_cases:
            self.changed_cases.add(case.case_id)

    def park(self, envelope: CloudEvent, stay_id: str, row: dict[str, Any]) -> None:
        self.newly_parked.setdefault(stay_id, []).append((envelope, row))

    def take_parked(self, stay_id: str) -> list[CloudEvent]:
        """The stay's parked events, those in the database first (they came first), then this batch's."""
        self.taken.add(stay_id)
        return [*self.parked.pop(stay_id, []), *(envelope for envelope, _ in self.newly_parked.pop(stay_id, []))]

    # --- in and out ---

    async def load(self, session: AsyncSession, stay_ids: Sequence[str]) -> None:
        wanted = sorted(set(stay_ids))
        self.stays = dict.fromkeys(wanted)
        if not wanted:
            return
        # One statement locks every stay of the batch, in one order (two consumers never wait on each other in a
        # circle), until the batch commits: a stay's changes, and so its outbox rows, keep commit order (ADR 0012).
        query = select(stays).where(one_of(session, stays.c.stay_id, wanted)).order_by(stays.c.stay_id)
        query = query.with_for_update()
        for row in (await session.execute(query)).mappings():
            self.stays[row["stay_id"]] = stay_from_row(row)
        found = [stay_id for stay_id, stay in self.stays.items() if stay is not None]
        missing = [stay_id for stay_id, stay in self.stays.items() if stay is None]
        if found:
            for row in (await session.execute(select(cases).where(one_of(session, cases.c.stay_id, found)))).mappings():
                self.cases.setdefault(row["stay_id"], {})[row["case_id"]] = case_from_row(row)
                self.as_closed[row["case_id"]] = row["stay_as_closed"]
        if missing:
            query = select(parked_events.c.stay_id, parked_events.c.parked_at, parked_events.c.envelope).where(
                one_of(session, parked_events.c.stay_id, missing)
            )
            # The order they came, as ParkedEvents.take gives them.
            for stay_id, _at, raw in sorted((await session.execute(query)).all()):
                self.parked.setdefault(stay_id, []).append(CloudEvent.from_bytes(raw))

    async def flush(self, session: AsyncSession) -> None:
        await insert_rows(session, stays, [stay_row(self._stay(s)) for s in sorted(self.new_stays)])
        await update_rows(session, stays, "stay_id", [stay_row(self._stay(s)) for s in sorted(self.changed_stays)])
        case_of = {case.case_id: case for stay_cases in self.cases.values() for case in stay_cases.values()}
        rows = {c: case_row(case_of[c], self.as_closed.get(c)) for c in self.new_cases | self.changed_cases}
        await insert_rows(session, cases, [rows[c] for c in sorted(self.new_cases)])
        await update_rows(session, cases, "case_id", [rows[c] for c in sorted(self.changed_cases)])
        if self.taken:
            taken = one_of(session, parked_events.c.stay_id, sorted(self.taken))
            await session.execute(delete(parked_events).where(taken))
        await insert_rows(session, parked_events, [row for held in self.newly_parked.values() for _, row in held])
        await super().flush(session)  # messages, outbox rows and dead letters, in the order they were written

    def _stay(self, stay_id: str) -> PlannedStay:
        stay = self.stays[stay_id]
        assert stay is not None
        return stay


def stay_batch(session: AsyncSession) -> StayBatch | None:
    found = session.info.get(BATCH_KEY)
    return found if isinstance(found, StayBatch) else None


@asynccontextmanager
async def batched(session: AsyncSession, events: Sequence[IntegrationEvent]) -> AsyncIterator[None]:
    """The inbox's batching hook for planning (svu_shared.inbox.Batching)."""
    batch = StayBatch()
    await batch.load(session, [stay_id for event in events if (stay_id := getattr(event, "stay_id", None))])
    session.info[BATCH_KEY] = batch
    try:
        yield
        await batch.flush(session)
    finally:
        del session.info[BATCH_KEY]
