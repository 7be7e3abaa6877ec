"""Hostile input (issue 5 §6), refused before any route sees it:

- a body larger than the limit: 413 (on Content-Length, or counted when the body comes without one);
- a NUL character (U+0000) in the path, the query or a JSON string: 422. No field of ours can hold one, and
  PostgreSQL cannot store it in text, so it would otherwise surface as a database error.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NUL_IN_JSON = b"\\u0000"


class Refused(Exception):
    def __init__(self, status: int, detail: object) -> None:
        self.status = status
        self.detail = detail


class InputLimits:
    """Pure ASGI middleware (it must see the raw bytes before FastAPI parses them)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._check_head(scope)
        except Refused as refused:
            await _answer(send, refused)
            return
        seen, tail = 0, b""

        async def checked() -> Message:
            nonlocal seen, tail
            message = await receive()
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                raise Refused(413, f"the request body is larger than {self.max_bytes} bytes")
            if NUL_IN_JSON in tail + chunk or b"\x00" in chunk:
                raise Refused(422, _nul("body"))
            tail = chunk[-(len(NUL_IN_JSON) - 1) :]
            return message

        try:
            await self.app(scope, checked, send)
        except Refused as refused:
            await _answer(send, refused)

    def _check_head(self, scope: Scope) -> None:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            raise Refused(413, f"the request body is larger than {self.max_bytes} bytes")
        if "\x00" in scope["path"]:
            raise Refused(422, _nul("path"))
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            raise Refused(422, _nul("query"))


def _nul(where: str) -> list[dict]:
    return [{"loc": [where], "msg": "text may not contain the NUL character (U+0000)", "type": "value_error"}]


async def _answer(send: Send, refused: Refused) -> None:
    body = json.dumps({"detail": refused.detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
