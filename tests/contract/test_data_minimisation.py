"""ADR 0023: only the admission notice identifies a patient, and the services that do not need the identity keep
none of it."""

import pytest

from billing.adapters.tables import messaging as billing_messaging
from discharge.adapters.tables import messaging as discharge_messaging
from svu_shared.contracts import ALL_EVENTS, AdmissionNoticeSent

IDENTIFYING = {"patient_id", "patient_name", "patient_address"}


def test_only_the_admission_notice_carries_the_patients_identity():
    carriers = {event.__name__ for event in ALL_EVENTS if IDENTIFYING & set(event.model_fields)}
    assert carriers == {AdmissionNoticeSent.__name__}


@pytest.mark.parametrize(
    "metadata", [discharge_messaging.metadata, billing_messaging.metadata], ids=["discharge", "billing"]
)
def test_discharge_and_billing_store_no_personnummer_name_or_address(metadata):
    columns = {f"{table.name}.{column.name}" for table in metadata.tables.values() for column in table.columns}
    assert not {c for c in columns if c.split(".")[1] in IDENTIFYING}
