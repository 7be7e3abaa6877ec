"""ADR 0011 for the endpoints of ADR 0014, on PostgreSQL and SQLite: every role on its own and on a foreign stay. A
role that may not use an endpoint gets 403 naming the roles that may; a role that may, on a stay outside its care,
gets 404 (existence does not leak); on its own stay the endpoint's success code.

Own stay: ward W1, municipality 1280, vårdcentral VC1. Foreign stay: W2, 1281, VC2."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from svu_shared.contracts import AdmissionNoticeSent, PatientDischarged
from tests.support.auth import bearer
from tests.support.ids import unique_hex

ROLES = {
    "ward": ("ward", "W1"),
    "municipality": ("municipality", "1280"),
    "primary_care": ("primary_care", "VC1"),
    "finance": ("finance", "SE-REGION-EKONOMI"),
    "admin": ("admin", "SE-REGION-IT"),
}
OWN = {"ward": "W1", "municipality": "1280", "primary_care": "VC1"}
FOREIGN = {"ward": "W2", "municipality": "1281", "primary_care": "VC2"}
CLINICAL = ("ward", "municipality", "primary_care")
RECEIVERS = ("municipality", "primary_care")
ADMITTED = datetime.fromisoformat("2025-03-01T10:00:00+01:00")


@dataclass
class Endpoint:
    method: str
    path: str  # {stay}, {case} (the caller's own kind of case), {message} (the municipality's meddelande)
    roles: tuple[str, ...]
    ok: int
    body: dict | None = None
    setup: tuple[str, ...] = field(default_factory=tuple)  # "discharged"

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = [
    Endpoint("POST", "/stays/{stay}/messages", CLINICAL, 201, {"text": "Hemtjänsten startar fredag", "to": "all"}),
    Endpoint("POST", "/stays/{stay}/messages/{message}/acknowledgement", ("ward",), 201),
    Endpoint("PUT", "/stays/{stay}/planning-input", RECEIVERS, 200, {"summary": "hemtjänst idag"}),
    Endpoint("POST", "/cases/{case}/return", RECEIVERS, 200, {"reason": "fel kommun"}),
    Endpoint("POST", "/cases/{case}/closing", RECEIVERS, 200, {}, setup=("discharged",)),
]


async def _stay(planning, tenant: dict[str, str], setup: tuple[str, ...]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    stay_id = f"a-{unique_hex()[:10]}"
    await planning.feed(
        AdmissionNoticeSent(
            stay_id=stay_id,
            patient_id="191212121212",
            municipality=tenant["municipality"],
            care_unit=tenant["ward"],
            admitted_at=ADMITTED,
            sent_at=ADMITTED + timedelta(hours=2),
            primary_care_unit=tenant["primary_care"],
        )
    )
    posted = await planning.http.post(
        f"/stays/{stay_id}/messages", json={"text": "Fråga"}, headers=bearer("municipality", tenant["municipality"])
    )
    assert posted.status_code == 201, posted.text
    if "discharged" in setup:
        await planning.feed(
            PatientDischarged(stay_id=stay_id, discharged_at=ADMITTED + timedelta(days=3), destination="home")
        )
    return {"stay": stay_id, "message": posted.json()["message_id"]}


def _path(endpoint: Endpoint, role: str, stay: dict[str, str], tenant: dict[str, str]) -> str:
    kind = role if role in RECEIVERS else "municipality"
    case = f"{stay['stay']}:{kind}:{tenant[kind]}"
    return endpoint.path.format(stay=stay["stay"], case=case, message=stay["message"])


def expected(endpoint: Endpoint, role: str, own: bool) -> int:
    if role not in endpoint.roles:
        return 403
    return endpoint.ok if own else 404


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
async def test_every_role_on_its_own_and_a_foreign_stay(planning, endpoint):
    answers, wanted = {}, {}
    for role, (kind, org) in ROLES.items():
        for own, tenant in ((True, OWN), (False, FOREIGN)):
            stay = await _stay(planning, tenant, endpoint.setup)
            response = await planning.http.request(
                endpoint.method, _path(endpoint, role, stay, tenant), json=endpoint.body, headers=bearer(kind, org)
            )
            answers[(role, own)] = response.status_code
            wanted[(role, own)] = expected(endpoint, role, own)
            if response.status_code == 403:
                assert f"it is for: {', '.join(endpoint.roles)}" in response.json()["detail"]
    assert answers == wanted


@pytest.mark.parametrize(
    ("method", "path", "body", "roles"),
    [
        ("POST", "/stays/search", {"patient_id": "191212121212"}, CLINICAL),
        ("GET", "/due", None, ("ward",)),
    ],
)
async def test_every_role_on_an_endpoint_about_no_one_stay_sees_its_own_only(planning, method, path, body, roles):
    own, foreign = await _stay(planning, OWN, ()), await _stay(planning, FOREIGN, ())
    for role, (kind, org) in ROLES.items():
        response = await planning.http.request(method, path, json=body, headers=bearer(kind, org))
        assert response.status_code == (200 if role in roles else 403), role
        if response.status_code == 200:
            ids = {row["stay_id"] for row in response.json()["items"]}
            assert own["stay"] in ids and foreign["stay"] not in ids, role
