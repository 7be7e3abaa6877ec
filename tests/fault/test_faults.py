"""ADR 0007: faults over the real broker and database, each ending in a reconciliation."""

import asyncio
import signal

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from svu_shared import dlq_replay
from svu_shared.contracts import DischargeReadyNotified
from svu_shared.envelope import CloudEvent
from tests.support.auth import ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import eventually, wait_until
from tests.support.topics import read_topic


@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
async def test_consumer_stopped_mid_batch_then_restarted_applies_each_event_once(system, kill):
    admission = system.process("admission", 18101)
    admission.start()
    admission.wait_healthy()
    await system.post_notices(admission, 400)  # a backlog on the topic before planning starts
    planning = system.process("planning", 18102)
    planning.start()
    wait_until(lambda: len(system.cases(planning)) >= 20, timeout=60, what="planning to be mid-backlog")
    planning.stop(kill)
    planning.start()
    planning.wait_healthy()
    system.reconcile(planning)


async def test_sigterm_drains_in_flight_requests_and_every_accepted_notice_arrives(system):
    admission, planning = system.running(("admission", 18141), ("planning", 18142))
    answered: dict[str, int] = {}
    unanswered: list[str] = []
    limit = asyncio.Semaphore(20)
    # A connection per request, so no request waits on a keep-alive connection the server is closing.
    no_keepalive = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=admission.url, headers=ward("SE-FAULT"), timeout=30, limits=no_keepalive
    ) as client:

        async def post(stay_id: str) -> None:
            async with limit:
                try:
                    answered[stay_id] = (
                        await client.post("/admission-notices", json=system.notice(stay_id))
                    ).status_code
                except httpx.TransportError:  # refused, or reset while still in the listen backlog
                    unanswered.append(stay_id)

        posting = asyncio.gather(*(post(f"{system.name}-{unique_hex()[:10]}") for _ in range(400)))
        await asyncio.to_thread(wait_until, lambda: len(answered) >= 40, 30, 0.01, "the load to be under way")
        assert admission.process is not None
        log_before = admission.log.stat().st_size
        admission.process.send_signal(signal.SIGTERM)
        await posting
    # A clean exit after draining (uvicorn re-raises the signal once shut down, hence -SIGTERM).
    assert admission.process.wait(timeout=30) == -signal.SIGTERM
    assert "Application shutdown complete" in admission.log.read_bytes()[log_before:].decode()
    assert set(answered.values()) == {201} and unanswered  # the shutdown came mid-load
    admission.start()  # events still in its outbox go out after the restart
    admission.wait_healthy()
    # Drained: every request the service took up was answered, and none it answered is missing; a request
    # that got no answer never reached it (no notice recorded without its answer).
    async with httpx.AsyncClient(base_url=admission.url, headers=ward("SE-FAULT"), timeout=10) as client:
        recorded = [s for s in [*answered, *unanswered] if (await client.get(f"/stays/{s}")).status_code == 200]
    assert sorted(recorded) == sorted(answered)
    system.stays += recorded
    system.reconcile(planning)


async def test_broker_down_30_seconds_requests_succeed_and_everything_arrives(system, kafka):
    admission, planning = system.running(("admission", 18111), ("planning", 18112))
    await system.post_notices(admission, 20)
    kafka.stop()
    try:
        wait_until(
            lambda: httpx.get(f"{admission.url}/health", timeout=5).status_code == 503,
            timeout=30,
            what="admission to report the broker away",
        )
        health = httpx.get(f"{admission.url}/health", timeout=5).json()
        assert "broker" in health["problems"]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while loop.time() < deadline:  # wards keep posting for the 30 seconds the broker is down
            await system.post_notices(admission, 5)
            await asyncio.sleep(1)  # a ward's pace, not a wait for a result
    finally:
        kafka.start()
    admission.wait_healthy(timeout=90)
    system.reconcile(planning, timeout=120)


async def test_postgres_restart_under_load_gives_503_then_recovers_by_itself(system, postgres):
    admission, planning = system.running(("admission", 18121), ("planning", 18122))
    load = asyncio.create_task(system.post_notices(admission, 300, retry_unavailable=True))
    await asyncio.sleep(0.5)  # let the load start before the database goes away
    postgres.stop()
    try:

        def unavailable() -> bool:
            r = httpx.get(f"{admission.url}/health", timeout=5)
            return r.status_code == 503 and "database" in r.json()["problems"]

        await asyncio.to_thread(wait_until, unavailable, 30, 0.1, "admission to report the database away")
        during = httpx.post(
            f"{admission.url}/admission-notices",
            headers=ward("W"),
            timeout=10,
            json=admission_notice(f"down-{unique_hex()[:8]}", "2580"),
        )
        assert during.status_code == 503 and during.headers["Retry-After"] == "2"
    finally:
        postgres.start()
    await asyncio.wait_for(load, timeout=120)
    for proc in (admission, planning):
        proc.wait_healthy(timeout=60)
    system.reconcile(planning, timeout=120)


async def test_two_consumers_in_one_group_split_partitions_and_apply_each_event_once(system):
    admission, first, _second = system.running(("admission", 18131), ("planning", 18132), ("planning", 18133))
    await system.post_notices(admission, 300)
    system.reconcile(first)
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**system.kafka.admin.options())
    await admin.start()
    try:
        [described] = await admin.describe_consumer_groups([system.group])
    finally:
        await admin.close()
    [group] = described.to_object()["groups"]
    assert group["group"] == system.group
    assert len(group["members"]) == 2  # both instances hold partitions of the same group


async def test_dead_letter_replay_after_a_fix_applies_the_event(kafka, billing_runtime):
    runtime = billing_runtime

    async def caught_up():  # type: ignore[no-untyped-def]
        # Billing's fresh group reads svu.discharge from the start and dead-letters earlier tests' poison:
        # wait until it has, so this test's record is the last on the dead-letter topic when replayed.
        lag = runtime.metrics.consumer_lag
        return len(lag) == 3 and sum(lag.values()) == 0

    await eventually(caught_up, deadline_seconds=60, what="billing to catch up with svu.discharge")
    stay_id = f"replay-{unique_hex()[:8]}"
    event = DischargeReadyNotified(
        stay_id=stay_id, judged_at="2022-03-01T09:00:00+01:00", sent_at="2022-03-01T09:00:00+01:00"
    )
    envelope = CloudEvent.wrap(event, event.source)
    # As if billing had dead-lettered it earlier (say, a bug since fixed):
    producer = AIOKafkaProducer(**kafka.admin.options())
    await producer.start()
    try:
        await producer.send_and_wait(
            "svu.discharge.dlq",
            envelope.to_bytes(),
            key=stay_id.encode(),
            headers=[
                ("svu.dlq.reason", b"handler failed: fixed since"),
                ("svu.dlq.topic", b"svu.discharge"),
                ("svu.dlq.partition", b"0"),
                ("svu.dlq.offset", b"0"),
                ("svu.dlq.consumer", b"billing"),
            ],
        )
    finally:
        await producer.stop()
    replayed = await dlq_replay.replay(kafka.admin, "svu.discharge.dlq", consumer_name="billing")
    assert replayed >= 1

    from billing.service_layer.handlers import timeline_of

    async def applied():  # type: ignore[no-untyped-def]
        async with runtime.sessions() as session:
            return await timeline_of(session, stay_id)

    timeline = await eventually(applied, what="the replayed event applied")
    assert timeline.periods[0].opened_by == envelope.id
    # A second replay does not send it again (the replayer commits its offsets): it was replayed exactly once.
    await dlq_replay.replay(kafka.admin, "svu.discharge.dlq", consumer_name="billing")
    replays = [r for r in await read_topic(kafka.admin, "svu.discharge") if r.key == stay_id.encode()]
    assert len(replays) == 1
