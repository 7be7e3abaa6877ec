"""The audit middleware (ADR 0024) as a pure ASGI middleware (ADR 0020): every request but the open operations paths
gets its row with the status answered; a write's row committed with the write is not written twice; no row, no
answer (a 503 instead of what the route answered, none of its body). A tiny FastAPI app behind `AuditedRequests`,
called through httpx's ASGI transport: no network."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import StreamingResponse

from svu_shared.audit import mark_recorded, note_stays
from svu_shared.auth import Principal
from svu_shared.http_app import AuditedRequests

UNAVAILABLE = {
    "type": "urn:svu:problem:unavailable",
    "title": "The service cannot answer now; retry shortly",
    "status": 503,
    "detail": "the service's audit log is unavailable; retry shortly",
}


class Recorder:
    def __init__(self, fails: bool = False) -> None:
        self.rows: list[tuple[str, str, int, list[str]]] = []
        self.fails = fails

    async def __call__(self, request: Request, principal: Principal | None, status: int) -> None:
        if self.fails:
            raise ConnectionError("the audit log's database is away")
        stays = getattr(request.state, "audit_stays", [])
        self.rows.append((request.method, request.url.path, status, stays))


def tiny_app(recorder: Recorder) -> FastAPI:
    app = FastAPI()

    @app.get("/stays/{stay_id}")
    async def read(stay_id: str) -> dict[str, str]:
        note_stays([stay_id])
        return {"stay_id": stay_id}

    @app.post("/writes", status_code=201)
    async def write(request: Request) -> dict[str, str]:
        # As ServiceRuntime.transaction after a commit with the request's row in it (audit.record_in).
        request.state.audit_pending_status = 201
        mark_recorded()
        return {"written": "yes"}

    @app.get("/refused")
    async def refused() -> None:
        raise HTTPException(403, "not for you")

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def parts() -> AsyncIterator[bytes]:
            for part in (b"one ", b"two ", b"three"):
                yield part

        return StreamingResponse(parts(), media_type="text/plain")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(AuditedRequests, name="tiny", recorder=recorder)
    return app


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


async def _call(app: FastAPI, method: str, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tiny") as client:
        return await client.request(method, path)


async def test_a_read_gets_its_row_with_the_status_and_the_stay_it_named(recorder: Recorder) -> None:
    answer = await _call(tiny_app(recorder), "GET", "/stays/S1")
    assert (answer.status_code, answer.json()) == (200, {"stay_id": "S1"})
    assert recorder.rows == [("GET", "/stays/S1", 200, ["S1"])]


async def test_a_refusal_gets_its_row_too(recorder: Recorder) -> None:
    answer = await _call(tiny_app(recorder), "GET", "/refused")
    assert answer.status_code == 403
    assert recorder.rows == [("GET", "/refused", 403, [])]


async def test_a_write_whose_row_was_committed_with_it_gets_no_second_row(recorder: Recorder) -> None:
    answer = await _call(tiny_app(recorder), "POST", "/writes")
    assert (answer.status_code, answer.json()) == (201, {"written": "yes"})
    assert recorder.rows == []


async def test_the_open_operations_paths_are_not_audited(recorder: Recorder) -> None:
    assert (await _call(tiny_app(recorder), "GET", "/health")).status_code == 200
    assert recorder.rows == []


async def test_a_streamed_answer_passes_whole_after_its_row(recorder: Recorder) -> None:
    answer = await _call(tiny_app(recorder), "GET", "/stream")
    assert (answer.status_code, answer.text) == (200, "one two three")
    assert recorder.rows == [("GET", "/stream", 200, [])]


async def test_no_row_no_answer_a_503_problem_instead_and_none_of_the_routes_body() -> None:
    answer = await _call(tiny_app(Recorder(fails=True)), "GET", "/stays/S2")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "2"
    assert answer.json() == UNAVAILABLE
    streamed = await _call(tiny_app(Recorder(fails=True)), "GET", "/stream")
    assert (streamed.status_code, streamed.json()) == (503, UNAVAILABLE)
