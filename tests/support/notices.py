"""The admission notice a ward posts, as the tests post it (one place for its shape)."""


def admission_notice(stay_id: str, municipality: str = "1280", care_unit: str = "W") -> dict[str, str]:
    return {
        "stay_id": stay_id,
        "patient_id": "191212121212",
        "municipality": municipality,
        "care_unit": care_unit,
        "admitted_at": "2025-03-01T10:00:00+01:00",
    }


def wait_for_discharge_to_know(discharge_url: str, stay_id: str, care_unit: str = "W") -> None:
    """The discharge service takes a ward's actions on a stay once the admission notice has reached it (it
    tells which ward has the stay); a ward's client that acts at once gets a 404 and retries, as this does."""
    import httpx

    from tests.support.auth import ward
    from tests.support.realparts import wait_until

    wait_until(
        lambda: httpx.get(f"{discharge_url}/stays/{stay_id}", headers=ward(care_unit), timeout=10).status_code == 200,
        what=f"the discharge service to have the admission notice of {stay_id}",
    )


def notify_ready(
    discharge_url: str, who: dict[str, str], stay_id: str, judged_at: str, sent_at: str | None = None
) -> dict:
    """The ward's discharge-ready notice. Its send time is the server's time of receipt (domain §2); a story that
    needs a notice sent at a time in the past records that time as a ward does after an outage: a reasoned
    backdating, which every party sees (ADR 0015). Returns the timeline as the last answer gave it."""
    import httpx

    answer = httpx.post(
        f"{discharge_url}/stays/{stay_id}/discharge-ready", json={"judged_at": judged_at}, headers=who, timeout=10
    )
    assert answer.status_code == 201, answer.text
    if sent_at is not None:
        answer = httpx.post(
            f"{discharge_url}/stays/{stay_id}/discharge-ready/backdating",
            json={"sent_at": sent_at, "reason": "sent on paper while the record system was down"},
            headers=who,
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def notice_event(stay_id: str, sent_after=None, **kw):  # type: ignore[no-untyped-def]
    """The admission notice as the planning service receives it (an event, not a ward's POST): admitted
    2025-03-01 10:00 in Malmö by ward W1 with vårdcentral VC1, sent 3 hours later, on time."""
    from datetime import datetime, timedelta

    from svu_shared.contracts import AdmissionNoticeSent

    admitted = datetime.fromisoformat("2025-03-01T10:00:00+01:00")
    values = dict(
        stay_id=stay_id,
        patient_id="191212121212",
        municipality="1280",
        care_unit="W1",
        admitted_at=admitted,
        sent_at=admitted + (timedelta(hours=3) if sent_after is None else sent_after),
        notice_deadline=admitted + timedelta(hours=24),
        primary_care_unit="VC1",
    )
    return AdmissionNoticeSent(**{**values, **kw})
