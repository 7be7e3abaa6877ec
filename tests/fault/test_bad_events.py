"""A consumer never stalls on an event it cannot apply (ADR 0012). Each bad event on a topic is followed by good
notices on every partition, which must all arrive; each test ends in a reconciliation: every good event applied
exactly once, every bad one in the dead-letter topic and table with its reason. Last, two outbox relays over one
database keep each stay's events in commit order."""

import asyncio
import json
import uuid
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import MetaData, func, select

from planning.adapters.tables import stays
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.contracts import AdmissionNoticeSent
from svu_shared.db import make_engine, make_sessions
from svu_shared.envelope import CloudEvent
from svu_shared.kafka import KafkaAccess, dlq_topic, ensure_topics, new_producer
from svu_shared.outbox import OutboxRelay
from svu_shared.runtime import Messaging
from tests.support.auth import ward
from tests.support.ids import unique_hex
from tests.support.realparts import eventually, wait_until
from tests.support.topics import read_topic

LONGEST = 64  # a stay id and an HSA-id at their bound


async def put(access: KafkaAccess, topic: str, key: str, *values: bytes) -> None:
    """A foreign Kafka client writes straight to the topic, past every service's API."""
    producer = AIOKafkaProducer(**access.options())
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


async def dead_lettered(access: KafkaAccess, topic: str, key: str) -> list[str]:
    """Reasons of the dead letters of `key` on `topic`'s dead-letter topic (any consumer that read them)."""
    return [
        dict(r.headers)["svu.dlq.reason"].decode()
        for r in await read_topic(access, dlq_topic(topic))
        if r.key == key.encode()
    ]


async def good_notices_all_arrive(system, admission, planning) -> None:  # type: ignore[no-untyped-def]
    await system.post_notices(admission, 0, stays=system.stays_on_every_partition(3))
    system.reconcile(planning, timeout=60)


async def test_a_duplicate_notice_under_a_new_id_is_a_no_op_and_a_different_one_is_dead_lettered(system, kafka):
    admission, planning = system.running(("admission", 18161), ("planning", 18162))
    stay_id = system.stays_on_every_partition(1)[0]
    await system.post_notices(admission, 0, stays=[stay_id])
    wait_until(lambda: stay_id in system.our_cases(planning), what="the first notice's case")
    [sent] = [r for r in await read_topic(kafka.admin, "svu.admission") if r.key == stay_id.encode()]
    original = CloudEvent.from_bytes(sent.value)
    same = original.model_copy(update={"id": str(uuid.uuid4())})
    other = "1281" if system.municipality != "1281" else "1280"
    changed = original.model_copy(update={"id": str(uuid.uuid4()), "data": {**original.data, "municipality": other}})
    await put(kafka.admin, "svu.admission", stay_id, same.to_bytes(), changed.to_bytes())

    await good_notices_all_arrive(system, admission, planning)
    # The same notice is applied as a no-op (its id in the inbox, nothing else); the changed one is refused.
    assert system.planning_rows(f"select event_id, topic from inbox where event_id = '{same.id}'") == {
        same.id: "svu.admission"
    }
    # (This planning read the topic from its start: other tests' bad events are in its dead letters too.)
    reasons = system.planning_rows("select coalesce(event_id, ''), reason from dead_letters")
    assert same.id not in reasons and original.id not in reasons
    assert reasons[changed.id].startswith(f"rejected: stay {stay_id} already has an admission notice")
    assert "a stay has one notice" in reasons[changed.id]
    assert any("a stay has one notice" in r for r in await dead_lettered(kafka.admin, "svu.admission", stay_id))
    assert system.planning_rows(f"select municipality, count(*) from stays where stay_id = '{stay_id}' group by 1") == {
        system.municipality: "1"
    }


async def test_an_oversized_event_id_is_dead_lettered_and_the_consumer_goes_on(system, kafka):
    admission, planning = system.running(("admission", 18163), ("planning", 18164))
    stay_id = f"{system.name}-oversized"
    now = datetime.now(UTC)
    notice = AdmissionNoticeSent(
        stay_id=stay_id,
        patient_id="191212121212",
        municipality=system.municipality,
        care_unit="SE-FAULT",
        admitted_at=now,
        sent_at=now,
    )
    envelope = json.loads(CloudEvent.wrap(notice, notice.source).to_bytes())
    await put(kafka.admin, "svu.admission", stay_id, json.dumps({**envelope, "id": "x" * 200}).encode())

    await good_notices_all_arrive(system, admission, planning)
    reason = "not a CloudEvents JSON envelope: id: String should have at most 64 characters"
    # The only oversized id of the run; other tests' bad events are in this planning's dead letters too.
    assert system.planning_rows(f"select reason, count(*) from dead_letters where reason = '{reason}' group by 1") == {
        reason: "1"
    }
    assert reason in await dead_lettered(kafka.admin, "svu.admission", stay_id)
    assert stay_id not in system.our_cases(planning)


async def test_the_longest_valid_ids_through_the_api_fit_every_column_and_longer_ones_are_refused(system, kafka):
    admission, planning = system.running(("admission", 18165), ("planning", 18166))
    stay_id = f"{system.name}-".ljust(LONGEST, "L")
    vardcentral = "SE2321000016-".ljust(LONGEST, "V")
    notice = {**system.notice(stay_id), "primary_care_unit": vardcentral}
    async with httpx.AsyncClient(base_url=admission.url, headers=ward("SE-FAULT"), timeout=30) as client:
        assert (await client.post("/admission-notices", json=notice)).status_code == 201
        too_long = await client.post(
            "/admission-notices", json={**system.notice(f"{system.name}-x"), "primary_care_unit": vardcentral + "V"}
        )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["loc"] == ["body", "primary_care_unit"]

    await good_notices_all_arrive(system, admission, planning)
    case_ids = wait_until(
        lambda: system.planning_rows(f"select case_id, receiver_kind from cases where stay_id = '{stay_id}'"),
        what="the long stay's cases",
    )
    assert case_ids == {
        f"{stay_id}:municipality:{system.municipality}": "municipality",
        f"{stay_id}:primary_care:{vardcentral}": "primary_care",
    }
    assert max(len(c) for c in case_ids) == 142
    assert await dead_lettered(kafka.admin, "svu.admission", stay_id) == []


async def test_a_handler_that_raises_is_dead_lettered_after_its_attempts_and_the_rest_applies(
    kafka, postgres, monkeypatch
):
    run = unique_hex()[:8]
    topic = f"svu.test-raise-{run}"
    monkeypatch.setattr(AdmissionNoticeSent, "topic", topic)  # notices travel on this test's own topic
    await ensure_topics(kafka.admin, [topic, dlq_topic(topic)])
    settings = PlanningSettings(
        database_url=postgres.fresh_database(f"svu_fault_raise_{run}"),
        kafka_bootstrap=kafka.bootstrap,
        kafka_username="admin",  # the private topic has no ACL of planning's
        consumer_group=f"fault-raise-{run}",
        consumer_stall_seconds=1,
    )
    runtime = planning_app(settings).state.runtime
    runtime.consumes = (topic,)
    apply_notice = runtime.inbox.handlers[AdmissionNoticeSent.event_type]
    bad = f"raise-{run}-bad"

    async def raising(session, envelope, event):  # type: ignore[no-untyped-def]
        if event.stay_id == bad:
            raise RuntimeError("the handler failed on this stay")
        await apply_notice(session, envelope, event)

    runtime.inbox.handlers = {**runtime.inbox.handlers, AdmissionNoticeSent.event_type: raising}
    now = datetime.now(UTC)
    good = [f"raise-{run}-{i}" for i in range(12)]
    notices = [
        AdmissionNoticeSent(
            stay_id=s, patient_id="191212121212", municipality="1280", care_unit="W", admitted_at=now, sent_at=now
        )
        for s in [bad, *good]
    ]
    await runtime.start()
    try:
        for n in notices:
            await put(kafka.admin, topic, n.stay_id, CloudEvent.wrap(n, n.source).to_bytes())

        async def applied() -> int:
            async with runtime.sessions() as s:
                return int((await s.execute(select(func.count()).select_from(stays))).scalar_one())

        await eventually(lambda: _equals(applied, len(good)), deadline_seconds=30, what="every good notice")
        dead = runtime.messaging.dead_letters
        async with runtime.sessions() as s:
            rows = (await s.execute(select(dead.c.event_id, dead.c.reason))).all()
        assert [r.reason for r in rows] == ["handler failed: RuntimeError: the handler failed on this stay"]
        assert await dead_lettered(kafka.admin, topic, bad) == [rows[0].reason]
        assert runtime.consumer.retrying == {} and "consumer" not in await runtime.health()
    finally:
        await runtime.stop()


async def _equals(count, expected: int) -> bool:  # type: ignore[no-untyped-def]
    return await count() == expected


async def test_two_relays_publish_each_stays_events_in_commit_order(kafka, postgres):
    run = unique_hex()[:8]
    topic = f"svu.test-order-{run}"
    await ensure_topics(kafka.admin, [topic])
    url = postgres.fresh_database(f"svu_fault_order_{run}")
    messaging = Messaging(MetaData())
    engines = [make_engine(url) for _ in range(2)]
    async with engines[0].begin() as connection:
        await connection.run_sync(messaging.metadata.create_all)
    # 1,000 stays of three events each, written as a busy ward system would: ten stays at a time, each stay's
    # events close together, so batches of 50 cut through stays and two relays would each hold part of one.
    rows = []
    for block in range(100):
        stays_of_block = [f"order-{block * 10 + i:04d}" for i in range(10)]
        for seq in range(3):
            rows += [{"stay": s, "seq": seq} for s in stays_of_block]
    now = datetime.now(UTC)
    async with engines[0].begin() as connection:
        await connection.execute(
            messaging.outbox.insert(),
            [
                {
                    "event_id": unique_hex(),
                    "topic": topic,
                    "key": r["stay"],
                    "payload": json.dumps(r).encode(),
                    "created_at": now,
                }
                for r in rows
            ],
        )
    producers = [new_producer(kafka.admin) for _ in range(2)]
    stop = asyncio.Event()
    relays = [OutboxRelay(make_sessions(engine), messaging.outbox, batch_size=50) for engine in engines]
    for producer in producers:
        await producer.start()
    tasks = [
        asyncio.create_task(relay.run(_ready(producer), stop, poll_seconds=0.01))
        for relay, producer in zip(relays, producers, strict=True)
    ]
    try:

        async def unsent() -> int:
            async with make_sessions(engines[0])() as s:
                o = messaging.outbox
                return int((await s.execute(select(func.count()).where(o.c.sent_at.is_(None)))).scalar_one())

        await eventually(lambda: _equals(unsent, 0), deadline_seconds=60, what="both relays to drain the outbox")
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for producer in producers:
            await producer.stop()
        for engine in engines:
            await engine.dispose()
    seen: dict[str, list[int]] = {}
    for record in await read_topic(kafka.admin, topic):
        event = json.loads(record.value)
        seen.setdefault(event["stay"], []).append(event["seq"])
    assert len(seen) == 1000
    assert {stay: seqs for stay, seqs in seen.items() if seqs != [0, 1, 2]} == {}


def _ready(producer):  # type: ignore[no-untyped-def]
    async def ready():  # type: ignore[no-untyped-def]
        return producer

    return ready
