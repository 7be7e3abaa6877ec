"""ADR 0015: avbrott i processen in the admission service, on PostgreSQL and on SQLite, through its HTTP API; what it
publishes is read from its outbox."""

from tests.support.auth import municipality, primary_care, ward
from tests.support.notices import admission_notice

W = ward("W")


async def _stay(admission, stay_id: str) -> None:  # type: ignore[no-untyped-def]
    body = {**admission_notice(stay_id), "primary_care_unit": "VC1"}
    assert (await admission.http.post("/admission-notices", json=body, headers=W)).status_code == 201


async def test_a_death_ends_the_process_and_every_later_change_is_refused_naming_why(admission):
    await _stay(admission, "I1")
    died = await admission.http.post(
        "/stays/I1/interruption", json={"reason": "died", "note": "Avled i natt 04:10"}, headers=W
    )
    assert died.status_code == 200
    stay = died.json()
    assert (stay["interruption_reason"], stay["interruption_note"], stay["process_ended"]) == (
        "died",
        "Avled i natt 04:10",
        True,
    )
    assert (stay["municipality"], stay["former_municipality"], stay["cancelled_at"]) == ("1280", None, None)
    at = stay["interrupted_at"]
    why = f"the SVU process of stay I1 ended at {at.replace('Z', '+00:00')}: the patient died (avbrott i processen)"
    for path, body, refusal in (
        ("corrections", {"primary_care_unit": "VC2", "reason": "r"}, "the notice cannot be corrected"),
        ("cancellation", {"reason": "wrong patient"}, "the notice cannot be cancelled"),
        ("transfers", {"to_care_unit": "W2"}, "the patient cannot be transferred"),
        ("interruption", {"reason": "declined_support", "note": "n"}, "it cannot be interrupted again"),
    ):
        refused = await admission.http.post(f"/stays/I1/{path}", json=body, headers=W)
        assert (refused.status_code, refused.json()["type"]) == (409, "urn:svu:problem:rule-broken")
        assert refused.json()["detail"] == f"{why}; {refusal}"
    for reader in (municipality("1280"), primary_care("VC1")):  # the receivers still read what happened
        seen = (await admission.http.get("/stays/I1", headers=reader)).json()
        assert (seen["interruption_reason"], seen["process_ended"]) == ("died", True)
    events = await admission.published("I1")
    assert [e["type"] for e in events] == ["patient_identified", "notice_sent", "process_interrupted"]
    assert {k: v for k, v in events[2].items() if k not in ("type", "version")} == {
        "stay_id": "I1",
        "reason": "died",
        "note": "Avled i natt 04:10",
        "new_municipality": None,
        "interrupted_at": at,
    }


async def test_declined_support_ends_the_process_too(admission):
    await _stay(admission, "I2")
    declined = await admission.http.post(
        "/stays/I2/interruption", json={"reason": "declined_support", "note": "Avböjer insatser"}, headers=W
    )
    assert (declined.status_code, declined.json()["process_ended"]) == (200, True)
    refused = await admission.http.post("/stays/I2/transfers", json={"to_care_unit": "W2"}, headers=W)
    assert refused.status_code == 409 and ": the patient declined support (avbrott i processen); " in refused.text


async def test_a_move_makes_the_new_municipality_the_stays_receiver_and_the_old_one_loses_sight(admission):
    await _stay(admission, "I3")
    body = {"reason": "moved_municipality", "note": "Folkbokförd i Lund sedan 1 mars", "new_municipality": "1281"}
    moved = await admission.http.post("/stays/I3/interruption", json=body, headers=W)
    assert moved.status_code == 200
    assert (moved.json()["municipality"], moved.json()["former_municipality"], moved.json()["process_ended"]) == (
        "1281",
        "1280",
        False,
    )
    assert (await admission.http.get("/stays/I3", headers=municipality("1281"))).status_code == 200
    assert (await admission.http.get("/stays/I3", headers=municipality("1280"))).status_code == 404
    [_, _, event] = await admission.published("I3")
    assert (event["type"], event["reason"], event["note"], event["new_municipality"]) == (
        "process_interrupted",
        "moved_municipality",
        "Folkbokförd i Lund sedan 1 mars",
        "1281",
    )
    same = await admission.http.post("/stays/I3/interruption", json=body, headers=W)
    assert same.status_code == 409
    assert same.json()["detail"] == "the patient of stay I3 is already registered in municipality 1281"
    corrected = await admission.http.post(
        "/stays/I3/corrections", json={"primary_care_unit": "VC2", "reason": "r"}, headers=W
    )
    assert corrected.status_code == 200  # the process goes on


async def test_the_new_municipality_is_validated_against_scbs_list_and_belongs_to_a_move_only(admission):
    await _stay(admission, "I4")
    for body, message in (
        ({"reason": "moved_municipality", "note": "n", "new_municipality": "1299"}, "not one of SCB's 290"),
        ({"reason": "moved_municipality", "note": "n", "new_municipality": "12"}, "four-digit kommunkod"),
        ({"reason": "moved_municipality", "note": "n"}, "given with moved_municipality, and only then"),
        ({"reason": "died", "note": "n", "new_municipality": "1281"}, "given with moved_municipality, and only then"),
    ):
        invalid = await admission.http.post("/stays/I4/interruption", json=body, headers=W)
        assert invalid.status_code == 422, body
        [error] = invalid.json()["errors"]
        assert error["loc"] == ["body", "new_municipality"] and message in error["msg"]
    for body, field in (
        ({"reason": "moved", "note": "n"}, "reason"),
        ({"reason": "died", "note": ""}, "note"),
        ({"reason": "died"}, "note"),
        ({"reason": "died", "note": "n", "interrupted_at": "2025-03-04T10:00:00+01:00"}, "interrupted_at"),
    ):
        invalid = await admission.http.post("/stays/I4/interruption", json=body, headers=W)
        assert (invalid.status_code, invalid.json()["errors"][0]["loc"]) == (422, ["body", field])
    assert [e["type"] for e in await admission.published("I4")] == ["patient_identified", "notice_sent"]


async def test_only_the_ward_that_has_the_patient_records_it(admission):
    await _stay(admission, "I5")
    died = {"reason": "died", "note": "n"}
    assert (await admission.http.post("/stays/I5/interruption", json=died, headers=municipality())).status_code == 403
    assert (await admission.http.post("/stays/I5/interruption", json=died, headers=ward("W9"))).status_code == 404
    assert (await admission.http.post("/stays/nope/interruption", json=died, headers=W)).status_code == 404
    await admission.http.post("/stays/I5/transfers", json={"to_care_unit": "W2"}, headers=W)
    former = await admission.http.post("/stays/I5/interruption", json=died, headers=W)
    assert former.status_code == 409
    assert former.json()["detail"] == (
        "the patient of stay I5 is on ward W2 now: the ward that has the patient records an interruption"
    )
    assert (await admission.http.post("/stays/I5/interruption", json=died, headers=ward("W2"))).status_code == 200


async def test_a_cancelled_stay_is_not_interrupted(admission):
    await _stay(admission, "I6")
    await admission.http.post("/stays/I6/cancellation", json={"reason": "wrong patient"}, headers=W)
    refused = await admission.http.post("/stays/I6/interruption", json={"reason": "died", "note": "n"}, headers=W)
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "stay I6 was cancelled (makulerad): it has no process to interrupt",
    )


async def test_a_ward_the_patient_has_left_reads_the_stay_but_no_longer_acts_on_it(admission):
    """ADR 0025: need-to-know over time; the ward that has the patient now acts, the one before reads."""
    await _stay(admission, "I9")
    assert (await admission.http.post("/stays/I9/transfers", json={"to_care_unit": "W2"}, headers=W)).status_code == 200
    assert (await admission.http.get("/stays/I9", headers=W)).status_code == 200
    acts = [
        ("/stays/I9/transfers", {"to_care_unit": "W3"}),
        ("/stays/I9/corrections", {"admitted_at": "2025-03-01T09:00:00+01:00", "reason": "fel tid"}),
        ("/stays/I9/cancellation", {"reason": "fel patient"}),
    ]
    for path, body in acts:
        refused = await admission.http.post(path, json=body, headers=W)
        assert refused.status_code == 409 and "is on ward W2 now" in refused.json()["detail"], path
    assert [e["type"] for e in await admission.published("I9")] == [
        "patient_identified",
        "notice_sent",
        "patient_transferred",
    ]
    moved = await admission.http.post("/stays/I9/transfers", json={"to_care_unit": "W3"}, headers=ward("W2"))
    assert moved.status_code == 200 and moved.json()["care_unit"] == "W3"
