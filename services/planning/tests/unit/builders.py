"""The unit tests' stay: one admission (S1, Malmö's 1280, ward W1, vårdcentral VC1), changed by keyword."""

from datetime import datetime, timedelta

from planning.domain.deadlines import SWEDEN
from planning.domain.stay import PlannedStay

ADMITTED = datetime(2025, 3, 1, 10, tzinfo=SWEDEN)


def stay(**kw) -> PlannedStay:  # type: ignore[no-untyped-def]
    values = dict(
        stay_id="S1",
        patient_id="191212121212",
        municipality="1280",
        care_unit="W1",
        notice_care_unit="W1",
        admitted_at=ADMITTED,
        notice_sent_at=ADMITTED + timedelta(hours=3),
        primary_care_unit="VC1",
    )
    return PlannedStay(**{**values, **kw})
