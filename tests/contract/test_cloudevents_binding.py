"""Architecture §2: our envelope is CloudEvents 1.0 in structured JSON mode on Kafka as the CloudEvents SDK reads and
writes it, so a municipality can consume with any CloudEvents library. Every contract example crosses the SDK's
Kafka binding both ways: what our relay sends, the SDK reads; what the SDK sends, our consumers read."""

from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_structured, to_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent as SdkCloudEvent

from svu_shared.contracts import ALL_EVENTS, IntegrationEvent, event_model, examples_of
from svu_shared.envelope import CloudEvent

EXAMPLES = [
    pytest.param(event, index, id=f"{event.event_type}-{index}")
    for event in ALL_EVENTS
    for index in range(len(examples_of(event)))
]
STANDARD = ("specversion", "id", "source", "type", "subject", "time", "datacontenttype")


def example(event: type[IntegrationEvent], index: int) -> IntegrationEvent:
    return event.model_validate(examples_of(event)[index])


@pytest.mark.parametrize(("event", "index"), EXAMPLES)
def test_the_sdk_reads_what_our_relay_sends(event, index):
    ours = CloudEvent.wrap(example(event, index), event.source)
    # As svu_shared.outbox sends it: the envelope's bytes as the value, the subject as the key, traceparent a header.
    message = KafkaMessage(
        headers={"traceparent": b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
        key=ours.subject.encode(),
        value=ours.to_bytes(),
    )

    read = from_structured(message, JSONFormat(), SdkCloudEvent)

    attributes: dict[str, Any] = read.get_attributes()
    # The binding hands the Kafka key over as the `partitionkey` extension: it is the subject (architecture §2).
    assert attributes.pop("partitionkey") == ours.subject
    assert attributes == ours.model_dump(include=set(STANDARD))
    assert read.get_data() == ours.data


@pytest.mark.parametrize(("event", "index"), EXAMPLES)
def test_our_consumers_read_what_the_sdk_sends(event, index):
    data = example(event, index)
    attributes: dict[str, Any] = {
        "specversion": "1.0",
        "id": f"sdk-{index}-{event.event_type}",
        "source": event.source,
        "type": event.event_type,
        "subject": data.key(),
        "time": CloudEvent.wrap(data, event.source).time,
        "datacontenttype": "application/json",
        # The SDK's way to set the Kafka key; in structured mode it also travels as an extension attribute.
        "partitionkey": data.key(),
    }
    message = to_structured(SdkCloudEvent(dict(attributes), data.model_dump(mode="json")), JSONFormat())

    ours = CloudEvent.from_bytes(message.value)

    assert message.headers == {"content-type": b"application/cloudevents+json"}
    assert message.key == ours.subject
    assert ours.model_dump(include=set(STANDARD)) == {k: attributes[k] for k in STANDARD}
    assert ours.model_extra == {"partitionkey": data.key()}  # an extension we do not know is kept, not refused
    assert event_model(ours.type).model_validate(ours.data) == data
