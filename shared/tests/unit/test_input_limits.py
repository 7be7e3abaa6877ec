"""Hostile input refused before any route runs (ADR 0011): a body over the limit is 413, a NUL character in the
path, the query or the body is 422, both as problem+json (ADR 0013). A tiny FastAPI app behind `InputLimits`, as
every service adds it, called through httpx's ASGI transport: no network."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from svu_shared.limits import InputLimits

LIMIT = 100
TOO_LARGE = {
    "type": "urn:svu:problem:too-large",
    "title": "The request body is too large",
    "status": 413,
    "detail": "the request body is larger than 100 bytes",
}


def nul_in(where: str) -> dict:
    return {
        "type": "urn:svu:problem:invalid-input",
        "title": "The input breaks a rule of its field",
        "status": 422,
        "detail": f"{where}: text may not contain the NUL character (U+0000)",
        "errors": [{"loc": [where], "msg": "text may not contain the NUL character (U+0000)", "type": "value_error"}],
    }


class Note(BaseModel):
    text: str


def tiny_app(calls: list[str]) -> FastAPI:
    app = FastAPI()

    @app.post("/raw")
    async def raw(request: Request) -> dict:
        calls.append("raw")
        body = await request.body()
        return {"size": len(body)}

    @app.post("/notes")
    async def notes(note: Note) -> dict:
        calls.append("notes")
        return {"text": note.text}

    @app.get("/items/{item}")
    async def item(item: str, q: str = "") -> dict:
        calls.append("items")
        return {"item": item, "q": q}

    app.add_middleware(InputLimits, max_bytes=LIMIT)
    return app


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
async def client(calls) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=tiny_app(calls)), base_url="http://t") as c:
        yield c


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    """A body sent in parts without a Content-Length (chunked), as a client streaming it would."""
    for part in parts:
        yield part


def problem(response: httpx.Response) -> dict:
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["content-length"]) == len(response.content)
    return response.json()  # type: ignore[no-any-return]


async def test_a_body_of_exactly_the_limit_reaches_the_route(client, calls):
    response = await client.post("/raw", content=b"x" * LIMIT)
    assert (response.status_code, response.json(), calls) == (200, {"size": 100}, ["raw"])


async def test_a_declared_length_over_the_limit_is_413_before_the_route_runs(client, calls):
    response = await client.post("/raw", content=b"x" * (LIMIT + 1))
    assert (response.status_code, problem(response), calls) == (413, TOO_LARGE, [])


async def test_a_length_that_is_not_a_number_is_413(client, calls):
    response = await client.post("/raw", content=b"x" * 10, headers={"content-length": "ten"})
    assert (response.status_code, problem(response), calls) == (413, TOO_LARGE, [])


async def test_a_body_without_a_length_is_counted_as_it_comes(client):
    fits = await client.post("/raw", content=chunks(b"x" * 60, b"x" * 40))
    assert "content-length" not in fits.request.headers
    assert (fits.status_code, fits.json()) == (200, {"size": 100})
    over = await client.post("/raw", content=chunks(b"x" * 60, b"x" * 41))
    assert (over.status_code, problem(over)) == (413, TOO_LARGE)


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "a\\u0000b"}',  # JSON's escape: what a JSON client sends
        b'{"text": "a\x00b"}',  # the raw byte
    ],
    ids=["escaped", "raw byte"],
)
async def test_a_nul_in_the_body_is_422(client, body):
    response = await client.post("/raw", content=body, headers={"content-type": "application/json"})
    assert (response.status_code, problem(response)) == (422, nul_in("body"))


async def test_a_nul_escape_split_between_two_parts_of_the_body_is_found(client):
    response = await client.post("/raw", content=chunks(b'{"text": "a\\u00', b'00b"}'))
    assert (response.status_code, problem(response)) == (422, nul_in("body"))


async def test_other_escapes_pass(client):
    body = b'{"text": "V\\u00e5rdcentral \\u0001"}'
    response = await client.post("/notes", content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (200, {"text": "Vårdcentral \x01"})


async def test_a_nul_in_the_path_is_422_before_the_route_runs(client, calls):
    response = await client.get("/items/a%00b")
    assert (response.status_code, problem(response), calls) == (422, nul_in("path"), [])


async def test_a_nul_in_the_query_is_422_before_the_route_runs(client, calls):
    response = await client.get("/items/a", params={"q": "a\x00b"})  # sent percent-encoded: q=a%00b
    assert response.request.url.query == b"q=a%00b"
    assert (response.status_code, problem(response), calls) == (422, nul_in("query"), [])


async def test_clean_input_reaches_the_route_unchanged(client):
    response = await client.get("/items/a-1", params={"q": "Malmö"})
    assert (response.status_code, response.json()) == (200, {"item": "a-1", "q": "Malmö"})


async def test_what_is_not_http_passes_through():
    seen: list[str] = []

    async def inner(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append(scope["type"])

    async def nothing():  # type: ignore[no-untyped-def]
        return {}

    async def ignore(message):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the middleware answered {message}")

    await InputLimits(inner, max_bytes=LIMIT)({"type": "lifespan"}, nothing, ignore)
    assert seen == ["lifespan"]


# On a route whose body is a model (every service route), FastAPI reads the body itself and would turn an error
# raised while it reads into its own 400: the middleware reads and checks the whole body first.
async def test_a_nul_in_a_model_body_is_422(client):
    response = await client.post(
        "/notes", content=b'{"text": "a\\u0000b"}', headers={"content-type": "application/json"}
    )
    assert (response.status_code, problem(response)) == (422, nul_in("body"))


async def test_a_model_body_without_a_length_over_the_limit_is_413(client):
    response = await client.post("/notes", content=chunks(b'{"text": "' + b"x" * 60, b"x" * 60 + b'"}'))
    assert (response.status_code, problem(response)) == (413, TOO_LARGE)
