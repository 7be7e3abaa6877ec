"""ADR 0016: a month is settled from its own facts (`FactRepository.of_months`, through each stay's span), and the
result is the one every fact gives: stays of many months with every kind of fact (withdrawals, anomalies, deaths,
moves, cancellations, backdated notices), stored in a random order, on an in-memory SQLite database."""

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.adapters.repository import FactRepository
from billing.adapters.settlement_report import settlement_json
from billing.adapters.tables import metadata, stay_spans
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact
from billing.domain.follow_up import follow_up
from billing.service_layer.settling import settle_facts, timelines

T = ZoneInfo("Europe/Stockholm")
K = FactKind
MONTHS = [Month(2022, m) for m in range(1, 7)]


def random_stay(rng: random.Random, n: int) -> list[StayFact]:
    """One stay somewhere in the first half of 2022, with what can happen to it, often crossing a month's end."""
    sid = f"s{n}"
    start = datetime(2022, 1, 1, tzinfo=T) + timedelta(hours=rng.randrange(0, 24 * 170))

    def later(hours: int) -> datetime:
        return start + timedelta(hours=rng.randrange(1, hours))

    def f(kind: FactKind, at: datetime, **extra) -> StayFact:  # type: ignore[no-untyped-def]
        return StayFact(sid, kind, at, f"{sid}-{kind}-{len(facts)}", **extra)

    facts: list[StayFact] = []
    if rng.random() < 0.95:
        facts.append(f(K.ADMISSION_NOTICE, start, municipality=rng.choice(["1280", "1281"]), care_type="somatic"))
    ready = later(48)
    facts.append(f(K.DISCHARGE_READY, ready))
    if rng.random() < 0.2:
        facts.append(f(K.DISCHARGE_READY_BACKDATED, ready - timedelta(hours=3), reason="fax", received_at=ready))
    if rng.random() < 0.2:
        withdrawn = ready + timedelta(hours=rng.randrange(1, 100))
        facts += [f(K.DISCHARGE_READY_WITHDRAWN, withdrawn), f(K.DISCHARGE_READY, withdrawn + timedelta(hours=30))]
    if rng.random() < 0.15:
        facts.append(f(K.PROCESS_INTERRUPTED, later(400), municipality="1283", reason="moved_municipality"))
    if rng.random() < 0.1:
        facts.append(f(K.PROCESS_INTERRUPTED, later(500), reason=rng.choice(["died", "declined_support"])))
    if rng.random() < 0.85:
        facts.append(f(K.DISCHARGED, later(900)))
    if rng.random() < 0.1:
        facts.append(f(K.NOTICE_CANCELLED, later(900), reason="fel patient"))
    if rng.random() < 0.05:
        facts.append(f(K.DISCHARGE_READY, later(1500)))  # after discharge, sometimes: an anomaly
    return facts


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_each_month_from_its_own_facts_equals_the_month_from_every_fact(seed):
    rng = random.Random(seed)
    every = [fact for n in range(150) for fact in random_stay(rng, n)]
    rng.shuffle(every)  # consumers apply one stay's facts from two topics in any order
    # As the database gives them back (UTC), so the anomalies' words compare too.
    as_stored = [
        replace(f, at=f.at.astimezone(UTC), received_at=f.received_at and f.received_at.astimezone(UTC)) for f in every
    ]
    engine = create_async_engine("sqlite+aiosqlite:///:memory:", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    agreement, amounts = load_agreement("skane-2018"), load_day_amounts()
    async with async_sessionmaker(engine)() as session:
        repository = FactRepository(session)
        for fact in every:
            await repository.add(fact)
        read = 0
        for month in MONTHS:
            own = await repository.of_months(month, month)
            read += len(own)
            assert len(own) < len(every)
            expected = settlement_json(settle_facts(agreement, month, as_stored, amounts))
            assert settlement_json(settle_facts(agreement, month, own, amounts)) == expected, month
        assert read < 2 * len(every)  # each month reads about its own share, not the table
        span = await repository.of_months(MONTHS[0], MONTHS[-1])
        assert follow_up(agreement, MONTHS[0], MONTHS[-1], timelines(span)) == follow_up(
            agreement, MONTHS[0], MONTHS[-1], timelines(as_stored)
        )
        spans = {row.stay_id: row for row in (await session.execute(select(stay_spans))).all()}
    await engine.dispose()
    assert len(spans) == 150
    ended = {f.stay_id: f.at for f in sorted(every, key=lambda f: f.at, reverse=True) if f.ends_stay}
    assert {s: spans[s].ended_at for s in ended} == ended  # the earliest end, whatever the order of arrival
