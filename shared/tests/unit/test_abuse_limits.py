"""ADR 0025: rate limits per client and per user; liveness and readiness, the readiness check cached and naming no
internal detail; a 422 names the field and rule without echoing the submitted value."""

import httpx
from fastapi import APIRouter
from pydantic import BaseModel

from svu_shared.deps import Caller, Kommunkod
from svu_shared.http_app import http_app
from svu_shared.local_issuer import token
from svu_shared.settings import HttpSettings

router = APIRouter()


class Moved(BaseModel):
    municipality: Kommunkod


@router.get("/thing")
async def thing(caller: Caller) -> dict[str, str]:
    return {"who": caller.subject}


@router.post("/moves")
async def move(body: Moved, caller: Caller) -> dict[str, str]:
    return {"to": body.municipality}


def bearer(subject: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('ward', 'W1', subject)}"}


def client(app, address: str = "10.0.0.1") -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 1234)), base_url="http://s")


def app_with(health=None, **settings: object):  # type: ignore[no-untyped-def]
    configured = HttpSettings(port=8000, auth_mode="dev", **settings)  # type: ignore[arg-type]
    extra = {"health": health} if health else {}
    return http_app(name="planning", settings=configured, title="t", description="t", routers=[router], **extra)


async def test_a_client_over_its_limit_gets_429_with_retry_after_and_others_go_on():
    app = app_with(rate_limit_per_client="3/minute", rate_limit_per_user="")
    async with client(app) as one, client(app, "10.0.0.2") as other:
        answers = [(await one.get("/thing", headers=bearer("a"))).status_code for _ in range(4)]
        refused = await one.get("/thing", headers=bearer("a"))
        assert answers == [200, 200, 200, 429]
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1 and "client limit" in refused.json()["detail"]
        assert (await other.get("/thing", headers=bearer("a"))).status_code == 200
        assert (await one.get("/health/live")).status_code == 200  # the orchestrator is never throttled


async def test_a_user_over_its_limit_gets_429_from_any_address_and_a_forged_subject_spends_nothing():
    app = app_with(rate_limit_per_client="", rate_limit_per_user="2/minute")
    async with client(app) as one, client(app, "10.0.0.2") as other:
        forged = {"Authorization": "Bearer " + token("ward", "W1", "b")[:-6] + "AAAAAA"}
        assert [(await one.get("/thing", headers=forged)).status_code for _ in range(3)] == [401, 401, 401]
        assert (await one.get("/thing", headers=bearer("b"))).status_code == 200
        assert (await other.get("/thing", headers=bearer("b"))).status_code == 200
        refused = await other.get("/thing", headers=bearer("b"))
        assert refused.status_code == 429 and "user limit" in refused.json()["detail"]
        assert (await one.get("/thing", headers=bearer("c"))).status_code == 200


async def test_the_default_limits_do_not_throttle_a_busy_client():
    app = app_with()
    async with client(app) as one:
        answers = {(await one.get("/thing", headers=bearer("d"))).status_code for _ in range(300)}
    assert answers == {200}


async def test_liveness_and_a_cached_readiness_that_names_parts_but_no_details():
    checks = []

    async def health() -> dict[str, str]:
        checks.append(1)
        return {"broker": "unreachable at 10.1.2.3:9092: KafkaConnectionError secret-host"}

    app = app_with(health=health, health_cache_seconds=60)
    async with client(app) as one:
        assert (await one.get("/health/live")).json() == {"status": "ok", "service": "planning"}
        answers = [await one.get(path) for path in ("/health/ready", "/health", "/health/ready")]
    assert {a.status_code for a in answers} == {503}
    assert answers[0].json() == {"status": "unavailable", "service": "planning", "problems": ["broker"]}
    assert "10.1.2.3" not in answers[0].text and "Kafka" not in answers[0].text
    assert len(checks) == 1  # three polls, one check


async def test_a_422_names_the_field_and_rule_but_does_not_echo_the_value():
    app = app_with()
    async with client(app) as one:
        refused = await one.post("/moves", json={"municipality": "9876"}, headers=bearer("e"))
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["loc"] == ["body", "municipality"] and "kommunkod" in error["msg"]
    assert "9876" not in refused.text
