"""ADR 0011: every role against every endpoint of the four services, on the caller's own and on a
foreign stay, with the exact answer each must get. All four services run in-process, on PostgreSQL and on SQLite
(architecture §5); each endpoint gets two fresh stays, so a write by one role cannot change what the next one sees.

Own stay: ward W1, municipality 1280 (Malmö), vårdcentral VC1. Foreign stay: W2, 1281 (Lund), VC2.
A role that may not use an endpoint at all gets 403; a role that may, on a stay outside its care, gets 404
(existence does not leak); on its own stay the endpoint's success code.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from billing.bootstrap import bootstrap as billing_app
from billing.settings import BillingSettings
from discharge.bootstrap import bootstrap as discharge_app
from discharge.settings import DischargeSettings
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from svu_shared.contracts import AdmissionNoticeSent, DischargeReadyNotified
from tests.support.auth import bearer
from tests.support.ids import unique_hex
from tests.support.inprocess import Database, InProcess, in_process
from tests.support.notices import admission_notice

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
READY = datetime.fromisoformat("2022-03-03T09:00:00+01:00")


@dataclass
class Endpoint:
    service: str
    method: str
    path: str  # {stay}, {case} (the caller's own kind of case), {message}
    roles: tuple[str, ...]
    ok: int
    body: dict | None = None
    scoped: bool = True  # on a stay: a foreign one answers 404
    setup: tuple[str, ...] = field(default_factory=tuple)  # "ready", "care_contact", "invited"

    @property
    def id(self) -> str:
        return f"{self.service} {self.method} {self.path}"


READY_BODY = {"judged_at": "2022-03-04T08:00:00+01:00"}  # sent when the server receives it (ADR 0015)
SIP = {"participants": ["p"], "goals": ["g"], "actions": [{"what": "a", "who": "b", "by": "2022-03-09"}]}
ENDPOINTS = [
    Endpoint("admission", "GET", "/stays/{stay}", CLINICAL, 200),
    Endpoint(
        "admission", "POST", "/stays/{stay}/corrections", ("ward",), 200, {"primary_care_unit": "VC9", "reason": "r"}
    ),
    Endpoint("admission", "POST", "/stays/{stay}/transfers", ("ward",), 200, {"to_care_unit": "W3"}),
    Endpoint("admission", "POST", "/stays/{stay}/cancellation", ("ward",), 200, {"reason": "wrong patient"}),
    Endpoint("planning", "GET", "/stays/{stay}", CLINICAL, 200),
    Endpoint("planning", "GET", "/stays/{stay}/messages", CLINICAL, 200),
    Endpoint(
        "planning", "PUT", "/stays/{stay}/care-contact", ("primary_care",), 200, {"name": "K", "care_unit": "VC1"}
    ),
    Endpoint("planning", "PUT", "/stays/{stay}/assessment", ("ward",), 200, {"summary": "needs help at home"}),
    Endpoint("planning", "PUT", "/stays/{stay}/sip-decision", CLINICAL, 200, {"sip_needed": True}),
    Endpoint(
        "planning",
        "PUT",
        "/stays/{stay}/sip-invitation",
        CLINICAL,
        200,
        {"meeting_at": "2022-03-06T10:00:00+01:00", "invitees": ["p"]},
        setup=("care_contact",),
    ),
    Endpoint(
        "planning",
        "PUT",
        "/stays/{stay}/sip",
        CLINICAL,
        200,
        {**SIP, "patient_consent": True, "patient_participated": True},
        setup=("care_contact", "invited"),
    ),
    Endpoint(
        "planning",
        "PUT",
        "/stays/{stay}/receiving-decision",
        ("municipality",),
        200,
        {"can_receive": True, "from_date": "2022-03-07"},
    ),
    Endpoint("planning", "GET", "/cases/{case}", ("municipality", "primary_care"), 200),
    Endpoint("planning", "GET", "/cases/{case}/messages", ("municipality", "primary_care"), 200),
    Endpoint(
        "planning", "POST", "/cases/{case}/messages/{message}/acknowledgement", ("municipality", "primary_care"), 201
    ),
    Endpoint("discharge", "GET", "/stays/{stay}", ("ward", "municipality"), 200),
    Endpoint(
        "discharge",
        "PUT",
        "/stays/{stay}/estimated-discharge-date",
        ("ward",),
        200,
        {"estimated_discharge_date": "2022-03-09"},
    ),
    Endpoint("discharge", "POST", "/stays/{stay}/discharge-ready", ("ward",), 201, READY_BODY),
    Endpoint(
        "discharge",
        "POST",
        "/stays/{stay}/discharge-ready/withdrawal",
        ("ward",),
        201,
        {"reason": "fever"},
        setup=("ready",),
    ),
    Endpoint(
        "discharge",
        "POST",
        "/stays/{stay}/discharge-information",
        ("ward",),
        201,
        {"epicrisis_sent_at": "2022-03-05T10:00:00+01:00"},
    ),
    Endpoint(
        "discharge",
        "POST",
        "/stays/{stay}/discharge",
        ("ward",),
        201,
        {"discharged_at": "2022-03-05T12:00:00+01:00", "destination": "home"},
    ),
    Endpoint(
        "billing", "GET", "/stays/{stay}/ready-periods", ("finance", "admin", "municipality"), 200, setup=("ready",)
    ),
]
# Endpoints about no one stay: the role decides (lists are filtered to the caller's own, tested below).
UNSCOPED = [
    Endpoint("admission", "POST", "/admission-notices", ("ward",), 201, scoped=False),
    Endpoint("planning", "GET", "/stays", CLINICAL, 200, scoped=False),
    Endpoint("planning", "GET", "/cases", ("municipality", "primary_care"), 200, scoped=False),
    Endpoint("planning", "GET", "/follow-up?month=2022-03", ("ward", "finance", "admin"), 200, scoped=False),
    Endpoint(
        "billing", "GET", "/settlements?agreement=skane-2018&period=2022-03", ("finance", "admin"), 200, scoped=False
    ),
    Endpoint(
        "billing",
        "GET",
        "/comparisons?period=2022-03&agreements=skane-2018&agreements=law-default",
        ("finance", "admin"),
        200,
        scoped=False,
    ),
    Endpoint(
        "billing",
        "GET",
        "/follow-up?agreement=skane-2018&from=2022-03&to=2022-03",
        ("finance", "admin"),
        200,
        scoped=False,
    ),
    Endpoint(
        "billing",
        "POST",
        "/settlement-runs",
        ("finance", "admin"),
        201,
        {"agreement": "skane-2018", "period": "2022-02"},
        scoped=False,
    ),
    Endpoint(
        "billing",
        "GET",
        "/invoices/INV-NONE/specification.csv",
        ("finance", "admin", "municipality"),  # a municipality reads its own invoices' (ADR 0016)
        404,
        scoped=False,
    ),
    Endpoint(
        "billing",
        "GET",
        "/invoices/INV-NONE/specification.pdf",
        ("finance", "admin", "municipality"),  # a municipality reads its own invoices' (ADR 0016)
        404,
        scoped=False,
    ),
    *(
        Endpoint(s, "GET", "/audit?stay_id=S", ("admin",), 200, scoped=False)
        for s in ("admission", "planning", "discharge", "billing")
    ),
]
APPS = {
    "admission": (admission_app, AdmissionSettings),
    "planning": (planning_app, PlanningSettings),
    "discharge": (discharge_app, DischargeSettings),
    "billing": (billing_app, BillingSettings),
}


@pytest.fixture(scope="module")
async def services(database: Database):  # type: ignore[no-untyped-def]
    running: dict[str, InProcess] = {}
    contexts = []
    for name, (app, settings) in APPS.items():
        url = database.fresh(f"svu_matrix_{name}_{unique_hex()[:6]}")
        context = in_process(app, settings(database_url=url))
        running[name] = await context.__aenter__()
        contexts.append(context)
    yield running
    for context in contexts:
        await context.__aexit__(None, None, None)


async def _stay(services: dict[str, InProcess], tenant: dict[str, str], setup: tuple[str, ...]) -> dict[str, str]:
    """A stay of `tenant` in every service, as the ward posted it and the others consumed it."""
    stay_id = f"m-{unique_hex()[:10]}"
    body = {
        **admission_notice(stay_id, tenant["municipality"], tenant["ward"]),
        "primary_care_unit": tenant["primary_care"],
    }
    posted = await services["admission"].http.post(
        "/admission-notices", json=body, headers=bearer("ward", tenant["ward"])
    )
    assert posted.status_code == 201, posted.text
    notice = AdmissionNoticeSent(
        stay_id=stay_id,
        patient_id=body["patient_id"],
        municipality=tenant["municipality"],
        care_unit=tenant["ward"],
        admitted_at=body["admitted_at"],
        sent_at=READY - timedelta(days=2),
        primary_care_unit=tenant["primary_care"],
    )
    envelope = await services["planning"].feed(notice)
    for name in ("discharge", "billing"):
        await services[name].feed(notice)
    if "ready" in setup:
        ready = DischargeReadyNotified(stay_id=stay_id, judged_at=READY, sent_at=READY)
        for name in ("billing", "planning"):
            await services[name].feed(ready)
        url = f"/stays/{stay_id}/discharge-ready"
        await services["discharge"].http.post(url, json=READY_BODY, headers=bearer("ward", tenant["ward"]))
    vc = bearer("primary_care", tenant["primary_care"])
    if "care_contact" in setup:
        await services["planning"].http.put(
            f"/stays/{stay_id}/care-contact", json={"name": "K", "care_unit": "VC"}, headers=vc
        )
    if "invited" in setup:
        invite = {"meeting_at": "2022-03-06T10:00:00+01:00", "invitees": ["p"]}
        await services["planning"].http.put(f"/stays/{stay_id}/sip-invitation", json=invite, headers=vc)
    return {"stay": stay_id, "message": envelope.id}


def _path(endpoint: Endpoint, role: str, stay: dict[str, str], tenant: dict[str, str]) -> str:
    kind = role if role in ("municipality", "primary_care") else "municipality"
    case = f"{stay['stay']}:{kind}:{tenant[kind]}"
    return endpoint.path.format(stay=stay["stay"], case=case, message=stay["message"])


def expected(endpoint: Endpoint, role: str, own: bool) -> int:
    if role not in endpoint.roles:
        return 403
    if endpoint.scoped and not own and role in CLINICAL:
        return 404
    return endpoint.ok


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
async def test_every_role_on_its_own_and_a_foreign_stay(services, endpoint):
    answers, wanted = {}, {}
    for role, (kind, org) in ROLES.items():
        for own, tenant in ((True, OWN), (False, FOREIGN)):
            stay = await _stay(services, tenant, endpoint.setup)
            call = services[endpoint.service].http.request(
                endpoint.method, _path(endpoint, role, stay, tenant), json=endpoint.body, headers=bearer(kind, org)
            )
            answers[(role, own)] = (await call).status_code
            wanted[(role, own)] = expected(endpoint, role, own)
    assert answers == wanted


@pytest.mark.parametrize("endpoint", UNSCOPED, ids=lambda e: e.id)
async def test_every_role_on_an_endpoint_about_no_one_stay(services, endpoint):
    answers, wanted = {}, {}
    for role, (kind, org) in ROLES.items():
        body = endpoint.body
        if endpoint.path == "/admission-notices":
            body = admission_notice(f"m-{unique_hex()[:10]}", care_unit=org if kind == "ward" else "W1")
        response = await services[endpoint.service].http.request(
            endpoint.method, endpoint.path, json=body, headers=bearer(kind, org)
        )
        # A second settlement run of the same month is the first one reused (200): the same success.
        answers[role] = response.status_code if response.status_code != 200 or endpoint.ok != 201 else 201
        wanted[role] = endpoint.ok if role in endpoint.roles else 403
    assert answers == wanted


async def test_lists_hold_only_the_callers_own_and_a_foreign_filter_is_refused(services):
    own, foreign = await _stay(services, OWN, ()), await _stay(services, FOREIGN, ())
    planning = services["planning"].http
    for role, (kind, org) in ROLES.items():
        if role not in CLINICAL:
            continue
        listed = (await planning.get("/stays", params={"limit": 1000}, headers=bearer(kind, org))).json()["items"]
        ids = {s["stay_id"] for s in listed}
        assert own["stay"] in ids and foreign["stay"] not in ids, role
    for kind, org in (ROLES["municipality"], ROLES["primary_care"]):
        cases = (await planning.get("/cases", params={"limit": 1000}, headers=bearer(kind, org))).json()["items"]
        assert {c["receiver_id"] for c in cases} == {org}
    refused = await planning.get("/stays", params={"care_unit": "W2"}, headers=bearer("ward", "W1"))
    assert refused.status_code == 403 and "lists its own patients only" in refused.json()["detail"]
    refused = await planning.get("/cases", params={"receiver_id": "1281"}, headers=bearer("municipality", "1280"))
    assert refused.status_code == 403
    other_unit = await services["admission"].http.post(
        "/admission-notices", json=admission_notice("m-other", care_unit="W2"), headers=bearer("ward", "W1")
    )
    assert other_unit.status_code == 403 and "its own unit (W1), not for W2" in other_unit.json()["detail"]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "a bearer token is required"),
        ("Bearer not-a-jwt", "invalid token"),
        ("expired", "Signature has expired"),
        ("not_yet", "The token is not yet valid"),
        ("wrong_audience", "Audience doesn't match"),
        ("wrong_issuer", "Invalid issuer"),
        ("bad_role", "role must be one of"),
        ("bad_org", "is not one of SCB"),
        ("foreign_key", "no key with kid"),
    ],
)
async def test_a_missing_or_bad_token_is_a_401_naming_why(services, header, reason):
    import time

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    from svu_shared import local_issuer

    now = int(time.time())
    claims = {
        "iss": local_issuer.ISSUER,
        "aud": local_issuer.audiences(),
        "sub": "u",
        "role": "ward",
        "org": "W1",
        "iat": now,
        "exp": now + 60,
    }
    kid = __import__("json").loads(local_issuer.JWKS.read_text())["keys"][0]["kid"]
    key = local_issuer.KEY.read_bytes()
    variants = {
        "expired": {**claims, "exp": now - 120},
        "not_yet": {**claims, "nbf": now + 600},
        "wrong_audience": {**claims, "aud": "another-api"},
        "wrong_issuer": {**claims, "iss": "https://evil.example"},
        "bad_role": {**claims, "role": "superuser"},
        "bad_org": {**claims, "role": "municipality", "org": "9999"},
    }
    if header in variants:
        header = "Bearer " + jwt.encode(variants[header], key, algorithm="ES256", headers={"kid": kid})
    elif header == "foreign_key":
        stranger = ec.generate_private_key(ec.SECP256R1())
        header = "Bearer " + jwt.encode(claims, stranger, algorithm="ES256", headers={"kid": "someone-else"})
    for service in services.values():
        response = await service.http.get(
            "/stays/x" if service is not services["billing"] else "/settlements",
            headers={"Authorization": header} if header else {},
        )
        assert response.status_code == 401 and reason in response.json()["detail"], response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
    for service in services.values():  # health and the OpenAPI document stay open
        assert (await service.http.get("/openapi.json")).status_code == 200
