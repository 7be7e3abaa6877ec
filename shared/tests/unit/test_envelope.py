"""The CloudEvents 1.0 envelope in structured JSON mode (architecture §2): `wrap` fills its attributes from the
event, the bytes round-trip, its time is always aware, and extension attributes a newer producer adds are kept.
(How a consumer decodes and bounds an envelope is in test_consumer_verdicts.py.)"""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from svu_shared.contracts import DischargeReadyNotified
from svu_shared.envelope import CONTENT_TYPE, CloudEvent

READY = DischargeReadyNotified(
    stay_id="SUS-2025-000123", judged_at="2025-03-03T08:40:00+01:00", sent_at="2025-03-03T09:00:00+01:00"
)
FIXED = {
    "specversion": "1.0",
    "id": "e-1",
    "source": "/svu/discharge",
    "type": "se.svu.discharge.ready_notified.v1",
    "subject": "SUS-2025-000123",
    "time": "2025-03-03T08:00:00Z",
    "datacontenttype": "application/json",
    "data": {
        "stay_id": "SUS-2025-000123",
        "judged_at": "2025-03-03T08:40:00+01:00",
        "sent_at": "2025-03-03T09:00:00+01:00",
    },
}


def test_wrap_fills_every_attribute_from_the_event():
    before = datetime.now(UTC)
    envelope = CloudEvent.wrap(READY, READY.source)
    after = datetime.now(UTC)
    assert uuid.UUID(envelope.id).version == 4 and str(uuid.UUID(envelope.id)) == envelope.id
    assert (envelope.specversion, envelope.source, envelope.type, envelope.subject, envelope.datacontenttype) == (
        "1.0",
        "/svu/discharge",
        "se.svu.discharge.ready_notified.v1",
        "SUS-2025-000123",  # the stay id: the Kafka key too
        "application/json",
    )
    assert envelope.time.tzinfo is UTC and before <= envelope.time <= after
    assert envelope.data == FIXED["data"]  # the event in JSON mode: times keep the offset they were given
    assert envelope.model_extra == {}


def test_each_wrap_is_a_new_event_id():
    assert CloudEvent.wrap(READY, READY.source).id != CloudEvent.wrap(READY, READY.source).id


def test_to_bytes_is_the_structured_json_of_the_attributes_in_order():
    envelope = CloudEvent.model_validate(FIXED)
    raw = envelope.to_bytes()
    assert raw == json.dumps(FIXED, separators=(",", ":")).encode()
    assert list(json.loads(raw)) == [
        "specversion",
        "id",
        "source",
        "type",
        "subject",
        "time",
        "datacontenttype",
        "data",
    ]


def test_bytes_round_trip_to_an_equal_envelope():
    envelope = CloudEvent.wrap(READY, READY.source)
    again = CloudEvent.from_bytes(envelope.to_bytes())
    assert again == envelope and again.to_bytes() == envelope.to_bytes()
    assert DischargeReadyNotified.model_validate(again.data) == READY


def test_a_time_with_an_offset_is_kept_as_the_same_instant():
    envelope = CloudEvent.from_bytes(json.dumps({**FIXED, "time": "2025-03-03T09:00:00+01:00"}).encode())
    assert envelope.time.utcoffset() == timedelta(hours=1)
    assert envelope.time == datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    assert CloudEvent.from_bytes(envelope.to_bytes()).time == envelope.time


@pytest.mark.parametrize("naive", ["2025-03-03T08:00:00", datetime(2025, 3, 3, 8, 0)], ids=["text", "datetime"])
def test_a_time_without_an_offset_is_refused(naive):
    with pytest.raises(ValidationError) as refused:
        CloudEvent.model_validate({**FIXED, "time": naive})
    [error] = refused.value.errors()
    assert (error["loc"], error["type"]) == (("time",), "timezone_aware")


def test_a_time_in_another_zone_is_accepted_as_aware():
    stockholm_winter = timezone(timedelta(hours=1))
    envelope = CloudEvent.model_validate({**FIXED, "time": datetime(2025, 3, 3, 9, 0, tzinfo=stockholm_winter)})
    assert envelope.time == datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def test_extension_attributes_are_kept_through_a_round_trip():
    extended = {**FIXED, "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "partitionkey": 7}
    envelope = CloudEvent.from_bytes(json.dumps(extended).encode())
    assert envelope.model_extra == {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "partitionkey": 7,
    }
    assert json.loads(envelope.to_bytes()) == extended
    assert CloudEvent.from_bytes(envelope.to_bytes()) == envelope


def test_the_envelope_is_frozen():
    envelope = CloudEvent.model_validate(FIXED)
    with pytest.raises(ValidationError) as refused:
        envelope.subject = "another-stay"  # type: ignore[misc]
    assert refused.value.errors()[0]["type"] == "frozen_instance"


def test_only_specversion_1_0_and_json_data():
    for attribute, value in (("specversion", "0.3"), ("datacontenttype", "application/xml")):
        with pytest.raises(ValidationError) as refused:
            CloudEvent.model_validate({**FIXED, attribute: value})
        assert refused.value.errors()[0]["loc"] == (attribute,)


def test_the_kafka_content_type_is_structured_cloudevents_json():
    assert CONTENT_TYPE == "application/cloudevents+json; charset=UTF-8"
