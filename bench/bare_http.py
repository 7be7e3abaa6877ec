"""The HTTP benchmark's reference: an ASGI app under the same uvicorn, workers and load generator that reads the
notice's body and answers 201 with a small JSON, touching nothing else (no token, no database, no broker). What the
machine's loop, sockets and HTTP parsing allow before the service does any of its work.

    python -m uvicorn bench.bare_http:app --port 38003 --workers 2
"""

from collections.abc import Awaitable, Callable
from typing import Any

ANSWER = b'{"status":"accepted"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(ANSWER)).encode())]


async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 201, "headers": HEADERS})
    await send({"type": "http.response.body", "body": ANSWER})
