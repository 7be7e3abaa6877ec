"""ADR 0027: ids that cannot leak or collide, through the admission API on PostgreSQL and SQLite. A stay id that
looks like a personnummer is refused (in a body and in a path); every unit field is one HSA-id, so a comma in a
transfer's target cannot give two wards the stay; the wards are stored as a list."""

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from svu_shared.contracts import PatientTransferred
from tests.support.auth import ward
from tests.support.notices import admission_notice, notice_event

W = ward("W")


def _refused(answer, *loc: str, words: str) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    errors = answer.json()["errors"]
    assert [e["loc"] for e in errors] == [list(loc)]
    assert words in errors[0]["msg"]


@pytest.mark.parametrize("stay_id", ["191212121212", "19121212-1212", "VT-121212-1212", "pnr:196410621234"])
async def test_a_stay_id_that_looks_like_a_personnummer_is_refused(admission, stay_id):
    posted = await admission.http.post(headers=W, url="/admission-notices", json=admission_notice(stay_id))
    _refused(posted, "body", "stay_id", words="personnummer")
    read = await admission.http.get(headers=W, url=f"/stays/{stay_id}")
    _refused(read, "path", "stay_id", words="personnummer")


async def test_a_stay_id_with_digits_that_are_no_date_is_taken(admission):
    posted = await admission.http.post(headers=W, url="/admission-notices", json=admission_notice("SUS-2025-000123"))
    assert posted.status_code == 201, posted.text


async def test_a_notice_without_stay_id_gets_one_that_is_no_personnummer(admission):
    notice = {k: v for k, v in admission_notice("x").items() if k != "stay_id"}
    posted = await admission.http.post(headers=W, url="/admission-notices", json=notice)
    assert posted.status_code == 201, posted.text
    assert len(posted.json()["stay_id"]) == 36


async def test_a_comma_in_a_transfer_target_is_refused_and_gives_no_ward_the_stay(admission):
    assert (
        await admission.http.post(headers=W, url="/admission-notices", json=admission_notice("T1"))
    ).status_code == 201
    moved = await admission.http.post(headers=W, url="/stays/T1/transfers", json={"to_care_unit": "W2,W3"})
    _refused(moved, "body", "to_care_unit", words="pattern")
    assert (await admission.http.get(headers=ward("W3"), url="/stays/T1")).status_code in (403, 404)

    moved = await admission.http.post(headers=W, url="/stays/T1/transfers", json={"to_care_unit": "W2"})
    assert moved.status_code == 200, moved.text
    stays = admission.runtime.messaging.metadata.tables["stays"]
    async with admission.runtime.sessions() as session:
        assert (await session.execute(sa.select(stays.c.wards))).scalar_one() == ("W", "W2")


@pytest.mark.parametrize("care_unit", ["W,W2", "W W2", "W;W2", "W\nW2"])
async def test_a_notice_for_a_unit_that_is_not_one_hsa_id_is_refused(admission, care_unit):
    posted = await admission.http.post(
        headers=ward("W"), url="/admission-notices", json=admission_notice("N1", care_unit=care_unit)
    )
    _refused(posted, "body", "care_unit", words="pattern")


def test_the_events_refuse_a_unit_list_and_a_personnummer_as_stay_id():
    with pytest.raises(ValidationError, match="to_care_unit"):
        PatientTransferred(stay_id="S1", from_care_unit="W", to_care_unit="W2,W3", transferred_at="2025-03-01T10:00Z")
    with pytest.raises(ValidationError, match="personnummer"):
        notice_event("191212121212")
    with pytest.raises(ValidationError, match="care_unit"):
        notice_event("S1", care_unit="W1,W2")
