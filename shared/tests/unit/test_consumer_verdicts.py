"""What the consumer does with an event it cannot apply (ADR 0012): retry only what is transient, dead-letter the
rest after its attempts within seconds, and report a stall; `decode` bounds every envelope field."""

import asyncio
import json
import sqlite3
import time
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from svu_shared.consumer import EventConsumer
from svu_shared.contracts import AdmissionNoticeSent
from svu_shared.db import is_transient
from svu_shared.envelope import CloudEvent
from svu_shared.facts import RejectedEvent
from svu_shared.inbox import Poison, decode
from svu_shared.metrics import MetricSource

NOTICE = {
    "stay_id": "S1",
    "patient_id": "191212121212",
    "municipality": "1280",
    "care_unit": "W",
    "admitted_at": "2025-03-01T09:00:00Z",
    "sent_at": "2025-03-01T09:10:00Z",
}


def record(envelope: dict | None = None, **changes) -> SimpleNamespace:  # type: ignore[type-arg]
    body = {
        "specversion": "1.0",
        "id": "e1",
        "source": AdmissionNoticeSent.source,
        "type": AdmissionNoticeSent.event_type,
        "subject": "S1",
        "time": "2025-03-01T09:10:00Z",
        "data": NOTICE,
        **(envelope or {}),
        **changes,
    }
    return SimpleNamespace(value=json.dumps(body).encode(), topic="svu.admission", partition=1, offset=7, headers=[])


def test_a_valid_envelope_decodes():
    assert isinstance(decode(record()), CloudEvent)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "x" * 65}, "id: String should have at most 64 characters"),
        ({"id": "has space"}, "id: String should match pattern"),
        ({"subject": "s" * 65}, "subject: String should have at most 64 characters"),
        ({"source": "/" + "s" * 100}, "source: String should have at most 100 characters"),
        ({"type": "t" * 101}, "type: String should have at most 100 characters"),
        ({"subject": "S2"}, "subject 'S2' is not the event's key 'S1'"),
        ({"data": {**NOTICE, "primary_care_unit": "V" * 65}}, "primary_care_unit: String should have at most 64"),
    ],
    ids=[
        "id-too-long",
        "id-alphabet",
        "subject-too-long",
        "source-too-long",
        "type-too-long",
        "subject-not-key",
        "field-too-long",
    ],
)
def test_an_envelope_or_field_beyond_its_column_is_poison_with_the_field_named(change, reason):
    decoded = decode(record(**change))  # type: ignore[arg-type]
    assert isinstance(decoded, Poison)
    assert reason in decoded.reason


def test_an_event_on_another_producers_topic_is_poison_even_from_its_owner():
    """ADR 0021: the discharge service may write only svu.discharge; an admission notice arriving there (or on any
    topic but its own) is refused, whatever source it claims."""
    wrong_topic = record()
    wrong_topic.topic = "svu.discharge"
    decoded = decode(wrong_topic)  # type: ignore[arg-type]
    assert decoded == Poison("se.svu.admission.notice_sent.v1 belongs on svu.admission, not on svu.discharge", "e1")


def test_an_empty_message_is_poison():
    assert decode(SimpleNamespace(value=None)) == Poison("empty message (no CloudEvents envelope)")  # type: ignore[arg-type]


def wrapped(orig: Exception, cls=OperationalError) -> Exception:  # type: ignore[no-untyped-def]
    return cls("INSERT ...", {}, orig)


def test_sqlite_busy_is_transient_and_its_constraint_errors_are_not():
    assert is_transient(wrapped(sqlite3.OperationalError("database is locked")))
    assert not is_transient(wrapped(sqlite3.IntegrityError("UNIQUE constraint failed: stays.stay_id"), IntegrityError))
    assert not is_transient(RuntimeError("a bug in a handler"))
    assert is_transient(ConnectionRefusedError(111, "Connect call failed"))
    assert is_transient(TimeoutError())


class FailingInbox:
    """Fails the first `failures` attempts with `error`, then applies."""

    def __init__(self, error: Exception, failures: int) -> None:
        self.error, self.failures, self.attempts = error, failures, 0
        self.handlers = {AdmissionNoticeSent.event_type: None}

    async def apply(self, envelope, topic) -> bool:  # type: ignore[no-untyped-def]
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        return True


def consumer_with(inbox) -> tuple[EventConsumer, list[Poison]]:  # type: ignore[no-untyped-def]
    consumer = EventConsumer(
        service="planning", inbox=inbox, dead_letters=None, first_backoff_seconds=0.01, metrics=MetricSource("p")
    )  # type: ignore[arg-type]
    dead: list[Poison] = []

    async def dead_letter(_record, poison, _producer_ready) -> None:  # type: ignore[no-untyped-def]
        dead.append(poison)

    consumer.dead_letter = dead_letter  # type: ignore[method-assign]
    return consumer, dead


async def retried(inbox) -> tuple[list[Poison], float]:  # type: ignore[no-untyped-def]
    consumer, dead = consumer_with(inbox)
    rec = record()
    envelope = decode(rec)  # type: ignore[arg-type]
    started = time.monotonic()
    await consumer._apply_with_retries(rec, envelope, None, asyncio.Event())
    assert consumer.retrying == {} and consumer.metrics.consumer_retrying == 0
    return dead, time.monotonic() - started


async def test_an_integrity_error_is_the_events_fault_dead_lettered_after_three_attempts():
    error = wrapped(sqlite3.IntegrityError("UNIQUE constraint failed: stays.stay_id"), IntegrityError)
    inbox = FailingInbox(error, failures=1000)
    dead, seconds = await retried(inbox)
    assert inbox.attempts == 3
    assert dead == [Poison("handler failed: IntegrityError: UNIQUE constraint failed: stays.stay_id", "e1")]
    assert seconds < 1


async def test_a_handler_that_raises_is_dead_lettered_with_its_error():
    dead, _ = await retried(FailingInbox(KeyError("care_unit"), failures=1000))
    assert dead == [Poison("handler failed: KeyError: 'care_unit'", "e1")]


async def test_a_rejected_event_is_dead_lettered_at_once_with_its_rule():
    inbox = FailingInbox(RejectedEvent("a stay has one discharge (domain §2)"), failures=1000)
    dead, _ = await retried(inbox)
    assert inbox.attempts == 1
    assert dead == [Poison("rejected: a stay has one discharge (domain §2)", "e1")]


async def test_a_transient_error_is_retried_past_the_attempts_until_it_succeeds():
    inbox = FailingInbox(wrapped(sqlite3.OperationalError("database is locked")), failures=5)
    dead, _ = await retried(inbox)
    assert (inbox.attempts, dead) == (6, [])


async def test_a_failure_then_success_applies_without_a_dead_letter():
    inbox = FailingInbox(RuntimeError("flaky"), failures=2)
    dead, _ = await retried(inbox)
    assert (inbox.attempts, dead) == (3, [])


def test_stalled_only_with_work_and_no_progress():
    consumer, _ = consumer_with(FailingInbox(RuntimeError(), 0))
    now = time.monotonic()
    consumer._last_progress = now - 100
    assert consumer.stalled_for(now) == 0.0  # idle: nothing in hand, no lag
    consumer.metrics.consumer_lag[("svu.admission", 0)] = 3
    assert consumer.stalled_for(now) == pytest.approx(100)
    consumer.metrics.consumer_lag[("svu.admission", 0)] = 0
    consumer.metrics.oldest_unapplied[("svu.admission", 0)] = now  # a batch in hand
    assert consumer.stalled_for(now) == pytest.approx(100)
