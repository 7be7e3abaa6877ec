"""ADR 0015: a ward finds its stays by personnummer or samordningsnummer sent in a POST body (never in a URL),
only the stays it has had (ADR 0011), each read audited; on PostgreSQL and on SQLite."""

from tests.support.auth import admin, municipality, primary_care, ward
from tests.support.notices import admission_notice

PNR, SAMORDNINGSNUMMER, OTHER = "191212121212", "191212721219", "194508151232"


async def _notice(admission, stay_id: str, patient_id: str, care_unit: str, admitted_at: str) -> None:  # type: ignore[no-untyped-def]
    body = {**admission_notice(stay_id, care_unit=care_unit), "patient_id": patient_id, "admitted_at": admitted_at}
    assert (await admission.http.post("/admission-notices", json=body, headers=ward(care_unit))).status_code == 201


async def _search(admission, who: dict, body: dict, **params):  # type: ignore[no-untyped-def]
    return await admission.http.post("/stays/search", json=body, params=params, headers=who)


async def test_a_ward_finds_its_own_stays_of_a_patient_latest_admission_first(admission):
    await _notice(admission, "F1", PNR, "W1", "2025-03-01T10:00:00+01:00")
    await _notice(admission, "F2", PNR, "W1", "2025-04-01T10:00:00+02:00")
    await _notice(admission, "F3", PNR, "W2", "2025-05-01T10:00:00+02:00")  # another ward's stay
    await _notice(admission, "F4", OTHER, "W1", "2025-05-01T10:00:00+02:00")  # another patient
    found = await _search(admission, ward("W1"), {"patient_id": PNR})
    assert found.status_code == 200
    page = found.json()
    assert ([s["stay_id"] for s in page["items"]], page["total"], page["limit"], page["offset"]) == (
        ["F2", "F1"],
        2,
        50,
        0,
    )
    assert page["items"][0]["patient_id"] == PNR and page["items"][0]["care_unit"] == "W1"
    second = (await _search(admission, ward("W1"), {"patient_id": PNR}, limit=1, offset=1)).json()
    assert ([s["stay_id"] for s in second["items"]], second["total"]) == (["F1"], 2)
    assert [s["stay_id"] for s in (await _search(admission, ward("W2"), {"patient_id": PNR})).json()["items"]] == ["F3"]
    nothing = (await _search(admission, ward("W9"), {"patient_id": PNR})).json()
    assert (nothing["items"], nothing["total"]) == ([], 0)


async def test_a_ward_that_received_the_patient_finds_the_stay_and_a_samordningsnummer_is_found_too(admission):
    await _notice(admission, "F5", SAMORDNINGSNUMMER, "W1", "2025-03-01T10:00:00+01:00")
    await admission.http.post("/stays/F5/transfers", json={"to_care_unit": "W3"}, headers=ward("W1"))
    for unit in ("W1", "W3"):  # the ward it left keeps sight of it, as of GET /stays/{id} (ADR 0011)
        found = (await _search(admission, ward(unit), {"patient_id": SAMORDNINGSNUMMER})).json()
        assert [(s["stay_id"], s["care_unit"]) for s in found["items"]] == [("F5", "W3")]


async def test_the_patient_id_is_validated_like_the_notices_and_travels_in_the_body_only(admission):
    for patient_id, rule in (
        (PNR[:-1] + "3", "Luhn"),
        ("19121212121", "must be 12 digits"),
        ("191213321212", "not a calendar date"),
    ):
        invalid = await _search(admission, ward("W1"), {"patient_id": patient_id})
        assert invalid.status_code == 422
        [error] = invalid.json()["errors"]
        assert error["loc"] == ["body", "patient_id"] and rule in error["msg"]
        assert patient_id not in invalid.text  # a 422 never echoes the personnummer
    missing = await _search(admission, ward("W1"), {})
    assert (missing.status_code, missing.json()["errors"][0]["loc"]) == (422, ["body", "patient_id"])
    extra = await _search(admission, ward("W1"), {"patient_id": PNR, "care_unit": "W2"})
    assert (extra.status_code, extra.json()["errors"][0]["loc"]) == (422, ["body", "care_unit"])
    in_url = await admission.http.get(f"/stays/search?patient_id={PNR}", headers=ward("W1"))
    assert in_url.status_code == 404  # no such stay "search": the URL takes no patient id


async def test_only_a_ward_searches(admission):
    for who in (municipality(), primary_care("VC1"), admin()):
        assert (await _search(admission, who, {"patient_id": PNR})).status_code == 403


async def test_each_stay_a_search_returns_is_audited_as_a_read(admission):
    await _notice(admission, "F6", PNR, "W1", "2025-03-01T10:00:00+01:00")
    await _notice(admission, "F7", PNR, "W1", "2025-03-02T10:00:00+01:00")
    assert (await _search(admission, ward("W1"), {"patient_id": PNR})).status_code == 200
    assert (await _search(admission, ward("W2"), {"patient_id": PNR})).status_code == 200  # finds nothing
    for stay_id in ("F6", "F7"):
        log = (await admission.http.get("/audit", params={"stay_id": stay_id}, headers=admin())).json()
        assert [(e["role"], e["org"], e["method"], e["endpoint"], e["status"]) for e in log] == [
            ("ward", "W1", "POST", "/admission-notices", 201),
            ("ward", "W1", "POST", "/stays/search", 200),
        ]
