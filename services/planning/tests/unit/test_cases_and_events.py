"""A receiver's case once per stay and a corrected vårdcentral (ADR 0012, domain §2), and the integration event the
service layer makes of each new state (architecture §2)."""

from datetime import datetime, timedelta

from planning.domain.case import VARDCENTRAL_CORRECTED, Case, case_id, closed_for_vardcentral, opened_case
from planning.domain.deadlines import SWEDEN
from planning.domain.stay import RecordKind
from planning.service_layer.published import acknowledged, case_changed, recorded
from services.planning.tests.unit import builders
from svu_shared.contracts import CareContactAssigned, CaseClosed, CaseOpened, MessageAcknowledged

AT = datetime(2025, 3, 1, 10, tzinfo=SWEDEN)
LATER = AT + timedelta(hours=5)


def test_a_receiver_gets_one_case_a_closed_one_reopens_and_an_open_one_is_kept():
    new = opened_case([], "S1", "primary_care", "VC1", AT)
    assert new == Case(case_id("S1", "primary_care", "VC1"), "S1", "primary_care", "VC1", AT)
    assert opened_case([new], "S1", "primary_care", "VC1", LATER) is None
    closed = new.closed(AT, VARDCENTRAL_CORRECTED)
    assert opened_case([closed], "S1", "primary_care", "VC1", LATER) == new.reopened(LATER)


def test_a_corrected_vardcentral_closes_the_former_ones_open_case_only():
    municipality = Case("S1:municipality:1280", "S1", "municipality", "1280", AT)
    former = Case("S1:primary_care:VC1", "S1", "primary_care", "VC1", AT)
    earlier = Case("S1:primary_care:VC0", "S1", "primary_care", "VC0", AT).closed(AT, "before")
    current = Case("S1:primary_care:VC2", "S1", "primary_care", "VC2", AT)
    closed = closed_for_vardcentral([municipality, former, earlier, current], "VC2", LATER)
    assert closed == [former.closed(LATER, VARDCENTRAL_CORRECTED)]
    assert closed_for_vardcentral([former], None, LATER) == [former.closed(LATER, VARDCENTRAL_CORRECTED)]


def test_each_new_state_is_published_as_its_event():
    case = Case("S1:primary_care:VC1", "S1", "primary_care", "VC1", AT)
    assert case_changed(case) == CaseOpened(
        stay_id="S1", case_id=case.case_id, receiver_kind="primary_care", receiver_id="VC1", opened_at=AT
    )
    closed = case_changed(case.closed(LATER, VARDCENTRAL_CORRECTED))
    assert isinstance(closed, CaseClosed) and (closed.reason, closed.closed_at) == (VARDCENTRAL_CORRECTED, LATER)
    kvittens = acknowledged(case, case.acknowledge("m1", LATER))
    assert kvittens == MessageAcknowledged(
        stay_id="S1",
        message_id="m1",
        case_id=case.case_id,
        receiver_kind="primary_care",
        receiver_id="VC1",
        acknowledged_at=LATER,
    )


def test_a_record_is_published_as_the_stay_keeps_it():
    stay = builders.stay(primary_care_unit=None, admitted_at=AT, notice_sent_at=AT + timedelta(hours=3))
    contact = {"name": "Karin Lind", "care_unit": "VC1", "phone": None}
    updated = stay.record(RecordKind.CARE_CONTACT, {**contact, "recorded_at": LATER, "recorded_by": "VC1"})
    assert recorded(updated, RecordKind.CARE_CONTACT) == CareContactAssigned(
        stay_id="S1", recorded_at=LATER, recorded_by="VC1", **contact
    )
