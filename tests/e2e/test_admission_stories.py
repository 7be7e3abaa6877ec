"""ADR 0010 stories over the real broker: a cancelled stay, and a transfer between wards."""

import httpx

from tests.support.auth import municipality, ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import wait_until

MEDAVD3 = ward("SE2321000016-MEDAVD3")


def _cases(planning: str, stay_id: str) -> list[dict]:
    return httpx.get(f"{planning}/cases", params={"stay_id": stay_id}, headers=municipality(), timeout=10).json()[
        "items"
    ]


def test_a_cancelled_stay_closes_the_municipalitys_case_and_cannot_change_after(running_services):
    admission, planning = running_services["admission"].url, running_services["planning"].url
    stay_id = f"e2e-cancel-{unique_hex()[:8]}"
    assert (
        httpx.post(
            f"{admission}/admission-notices", json=admission_notice(stay_id), headers=ward(), timeout=10
        ).status_code
        == 201
    )
    wait_until(lambda: _cases(planning, stay_id), what="the case to open")

    cancelled = httpx.post(
        f"{admission}/stays/{stay_id}/cancellation",
        json={"reason": "sent for the wrong patient"},
        headers=ward(),
        timeout=10,
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["cancel_reason"] == "sent for the wrong patient" and cancelled.json()["cancelled_at"]
    wait_until(lambda: _cases(planning, stay_id)[0]["closed_at"], what="the case to close")
    [case] = _cases(planning, stay_id)
    # The case itself is closed with the cancellation's reason, not only the stay marked cancelled (ADR 0014).
    assert (case["status"], case["closed_as"], case["closed_reason"]) == (
        "cancelled",
        "cancelled",
        "the admission notice was cancelled (makulerat): sent for the wrong patient",
    )

    again = httpx.post(
        f"{admission}/stays/{stay_id}/cancellation", json={"reason": "twice"}, headers=ward(), timeout=10
    )
    assert again.status_code == 409 and "was cancelled (makulerad)" in again.json()["detail"]
    moved = httpx.post(
        f"{admission}/stays/{stay_id}/transfers", json={"to_care_unit": "W2"}, headers=ward(), timeout=10
    )
    assert moved.status_code == 409 and "a cancelled stay cannot be transferred" in moved.json()["detail"]
    unknown = httpx.post(
        f"{admission}/stays/no-such-stay/cancellation", json={"reason": "x"}, headers=ward(), timeout=10
    )
    assert unknown.status_code == 404
    empty = httpx.post(f"{admission}/stays/{stay_id}/cancellation", json={"reason": ""}, headers=ward(), timeout=10)
    assert empty.status_code == 422 and empty.json()["errors"][0]["loc"] == ["body", "reason"]


def test_a_transfer_between_wards_keeps_the_stay_and_the_case(running_services):
    admission, planning = running_services["admission"].url, running_services["planning"].url
    stay_id = f"e2e-transfer-{unique_hex()[:8]}"
    notice = admission_notice(stay_id, care_unit="SE2321000016-MEDAVD3")
    assert httpx.post(f"{admission}/admission-notices", json=notice, headers=MEDAVD3, timeout=10).status_code == 201
    [opened] = wait_until(lambda: _cases(planning, stay_id), what="the case to open")

    moved = httpx.post(
        f"{admission}/stays/{stay_id}/transfers",
        json={"to_care_unit": "SE2321000016-GERIATRIK1", "transferred_at": "2025-03-03T09:30:00+01:00"},
        headers=MEDAVD3,
        timeout=10,
    )
    assert moved.status_code == 200 and moved.json()["care_unit"] == "SE2321000016-GERIATRIK1"
    [case] = wait_until(
        lambda: [c for c in _cases(planning, stay_id) if c["care_unit"] == "SE2321000016-GERIATRIK1"],
        what="planning to follow the transfer",
    )
    assert (case["case_id"], case["status"]) == (opened["case_id"], "admitted")  # the same case, still open
    # The ward the patient left reads the stay but no longer acts on it (ADR 0025); the ward that has the patient
    # cannot transfer it to itself.
    former = httpx.post(
        f"{admission}/stays/{stay_id}/transfers",
        json={"to_care_unit": "SE2321000016-KIRAVD9"},
        headers=MEDAVD3,
        timeout=10,
    )
    assert former.status_code == 409 and "is on ward SE2321000016-GERIATRIK1 now" in former.json()["detail"]
    same = httpx.post(
        f"{admission}/stays/{stay_id}/transfers",
        json={"to_care_unit": "SE2321000016-GERIATRIK1"},
        headers=ward("SE2321000016-GERIATRIK1"),
        timeout=10,
    )
    assert same.status_code == 409 and "already on ward" in same.json()["detail"]
