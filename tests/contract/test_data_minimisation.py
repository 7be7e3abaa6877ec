"""ADR 0023, ADR 0028: the patient's identity travels on its own topic, which planning alone reads; no event on a topic
that discharge or billing reads carries a personnummer, name or address, and those services keep none."""

import pytest

from billing.adapters.tables import messaging as billing_messaging
from billing.service_layer.handlers import HANDLERS as BILLING_HANDLERS
from deploy.broker_access import principals
from discharge.adapters.tables import messaging as discharge_messaging
from discharge.service_layer.handlers import HANDLERS as DISCHARGE_HANDLERS
from svu_shared.contracts import ALL_EVENTS, AdmissionNoticeSent, AdmissionNoticeSentV2, PatientIdentified
from svu_shared.inbox import topics_of

IDENTIFYING = {"patient_id", "patient_name", "patient_address"}
IDENTITY_TOPIC = "svu.admission.identity"


def _carriers(events):
    return {event for event in events if IDENTIFYING & set(event.model_fields)}


def test_only_the_identity_event_and_the_superseded_first_notice_carry_the_patients_identity():
    assert _carriers(ALL_EVENTS) == {PatientIdentified, AdmissionNoticeSent}
    assert PatientIdentified.topic == IDENTITY_TOPIC
    assert [e for e in ALL_EVENTS if e.topic == IDENTITY_TOPIC] == [PatientIdentified]
    # The first version is no longer published (the admission service's tests check what it publishes).
    assert AdmissionNoticeSent.superseded_by == AdmissionNoticeSentV2.event_type


@pytest.mark.parametrize("handlers", [DISCHARGE_HANDLERS, BILLING_HANDLERS], ids=["discharge", "billing"])
def test_nothing_published_on_a_topic_discharge_or_billing_reads_identifies_the_patient(handlers):
    topics = set(topics_of(handlers))
    assert IDENTITY_TOPIC not in topics
    published_there = [e for e in ALL_EVENTS if e.topic in topics and e.superseded_by is None]
    assert AdmissionNoticeSentV2 in published_there or "svu.admission" not in topics
    assert _carriers(published_there) == set()


def test_only_planning_may_read_the_identity_topic_and_only_admission_write_it():
    readers = {p.name for p in principals() if IDENTITY_TOPIC in p.reads}
    writers = {p.name for p in principals() if IDENTITY_TOPIC in p.writes}
    assert (readers, writers) == ({"planning"}, {"admission"})


@pytest.mark.parametrize(
    "metadata", [discharge_messaging.metadata, billing_messaging.metadata], ids=["discharge", "billing"]
)
def test_discharge_and_billing_store_no_personnummer_name_or_address(metadata):
    columns = {f"{table.name}.{column.name}" for table in metadata.tables.values() for column in table.columns}
    assert not {c for c in columns if c.split(".")[1] in IDENTIFYING}
