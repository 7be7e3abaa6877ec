"""ADR 0028: the admission service publishes the notice without the patient's identity and the identity on its own
topic; planning shows the patient as before whichever of the two comes first, and the services that read the notice
but not the identity still follow the stay. On PostgreSQL and SQLite (architecture §5)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from billing.adapters.tables import stay_facts
from billing.bootstrap import bootstrap as billing_app
from billing.settings import BillingSettings
from svu_shared.contracts import AdmissionNoticeSentV2, PatientIdentified
from svu_shared.facts import RejectedEvent
from tests.support.auth import municipality, ward
from tests.support.ids import unique_hex
from tests.support.inprocess import Database, in_process
from tests.support.notices import admission_notice

PNR = "191212121212"
NAME, ADDRESS = "Tolvan Tolvansson", "Storgatan 1, 211 22 Malmö"
W, M = ward("W"), municipality("1280")
IDENTITY = {"patient_id": PNR, "patient_name": NAME, "patient_address": ADDRESS, "protected_identity": False}


@pytest.fixture
async def billing(database: Database):  # type: ignore[no-untyped-def]
    url = database.fresh(f"svu_it_billing_{unique_hex()[:6]}")
    async with in_process(billing_app, BillingSettings(database_url=url)) as service:
        yield service


async def _posted(admission, stay_id: str, **identity) -> tuple[AdmissionNoticeSentV2, PatientIdentified]:  # type: ignore[no-untyped-def]
    """The ward posts the notice; what the admission service committed for the receivers, as the events."""
    body = {**admission_notice(stay_id), "patient_name": NAME, "patient_address": ADDRESS, **identity}
    assert (await admission.http.post("/admission-notices", json=body, headers=W)).status_code == 201
    identified, notice = await admission.published(stay_id)  # the identity first (ADR 0028)
    assert [(e["type"], e["version"]) for e in (identified, notice)] == [
        ("patient_identified", "v1"),
        ("notice_sent", "v2"),
    ]
    return AdmissionNoticeSentV2(**notice), PatientIdentified(**identified)


async def _shown(planning, stay_id: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """What the ward's stay page, the municipality's inbox and a search by patient show of the patient."""
    stay = (await planning.http.get(f"/stays/{stay_id}", headers=W)).json()
    [case] = (await planning.http.get("/cases", params={"stay_id": stay_id}, headers=M)).json()["items"]
    found = (await planning.http.post("/stays/search", json={"patient_id": PNR}, headers=M)).json()["items"]
    return {
        "stay": {k: stay[k] for k in IDENTITY},
        "inbox": {k: case[k] for k in ("patient_id", "patient_name", "protected_identity")},
        "search": [s["stay_id"] for s in found],
    }


def _as_before(stay_id: str) -> dict:  # type: ignore[type-arg]
    return {
        "stay": IDENTITY,
        "inbox": {"patient_id": PNR, "patient_name": NAME, "protected_identity": False},
        "search": [stay_id],
    }


# The municipality's feed (ADR 0022): the notice, its case, then the identity it needs to know its resident, whichever
# of notice and identity came first.
FEED_OF_A_NOTICE = [
    "se.svu.admission.notice_sent.v2",
    "se.svu.planning.case_opened.v1",
    "se.svu.admission.patient_identified.v1",
]


async def _feed_types(planning, after: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    page = (await planning.http.get("/feed", params={"after": after}, headers=M)).json()
    return [e["event"]["type"] for e in page["items"]]


async def test_the_identity_after_its_notice_completes_the_stay(admission, planning):
    notice, identified = await _posted(admission, "ID1")
    await planning.feed(notice)
    # The cases open at once; who the patient is shows as soon as the identity has come.
    assert await _shown(planning, "ID1") == {
        "stay": {"patient_id": None, "patient_name": None, "patient_address": None, "protected_identity": False},
        "inbox": {"patient_id": None, "patient_name": None, "protected_identity": False},
        "search": [],
    }
    await planning.feed(identified)
    assert await _shown(planning, "ID1") == _as_before("ID1")
    assert await _feed_types(planning) == FEED_OF_A_NOTICE


async def test_the_identity_before_its_notice_waits_for_it(admission, planning):
    notice, identified = await _posted(admission, "ID2")
    await planning.feed(identified)
    assert (await planning.http.get("/stays/ID2", headers=W)).status_code == 404  # kept until its notice comes
    await planning.feed(notice)
    assert await _shown(planning, "ID2") == _as_before("ID2")
    assert await _feed_types(planning) == FEED_OF_A_NOTICE


async def test_a_protected_identity_shows_neither_name_nor_address_in_either_order(admission, planning):
    for stay_id, identity_first in (("ID3", True), ("ID4", False)):
        notice, identified = await _posted(admission, stay_id, protected_identity=True)
        assert (identified.patient_name, identified.patient_address) == (None, None)
        for event in (identified, notice) if identity_first else (notice, identified):
            await planning.feed(event)
        stay = (await planning.http.get(f"/stays/{stay_id}", headers=W)).json()
        assert (stay["patient_id"], stay["patient_name"], stay["patient_address"], stay["protected_identity"]) == (
            PNR,
            None,
            None,
            True,
        )


async def test_the_same_identity_again_changes_nothing_and_another_patient_is_refused(admission, planning):
    notice, identified = await _posted(admission, "ID5")
    await planning.feed(notice)
    await planning.feed(identified)
    await planning.feed(identified)  # under a new event id: the same fact (ADR 0012)
    moved = identified.model_copy(update={"patient_address": "Lilla torg 2, 211 34 Malmö"})
    await planning.feed(moved)  # the identity as it now stands replaces the one before
    assert (await planning.http.get("/stays/ID5", headers=W)).json()["patient_address"] == "Lilla torg 2, 211 34 Malmö"
    with pytest.raises(RejectedEvent, match="a stay has one patient"):
        await planning.feed(identified.model_copy(update={"patient_id": "191010101010"}))
    assert (await planning.http.get("/stays/ID5", headers=W)).json()["patient_id"] == PNR


async def test_discharge_and_billing_follow_a_stay_from_the_notice_without_its_identity(admission, discharge, billing):
    notice, _ = await _posted(admission, "ID6")
    await discharge.feed(notice)
    stay = await discharge.http.get("/stays/ID6", headers=W)
    assert stay.status_code == 200 and PNR not in stay.text and NAME not in stay.text
    await billing.feed(notice)
    async with billing.runtime.sessions() as session:
        facts = (await session.execute(select(stay_facts).where(stay_facts.c.stay_id == "ID6"))).mappings().all()
    assert [(f["kind"], f["municipality"], f["at"]) for f in facts] == [("admission_notice", "1280", notice.sent_at)]


def test_the_notice_as_published_has_no_field_that_identifies_the_patient():
    example = AdmissionNoticeSentV2.model_validate({**admission_notice("ID7"), "sent_at": datetime.now().astimezone()})
    assert not {"patient_id", "patient_name", "patient_address"} & set(example.model_dump())
