"""Hostile input (ADR 0011), refused before any route sees it:

- a body larger than the limit: 413 (on Content-Length, or counted when the body comes without one);
- a NUL character (U+0000) in the path, the query or a JSON string: 422. No field of ours can hold one, and
  PostgreSQL cannot store it in text, so it would otherwise surface as a database error.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from svu_shared.problems import MEDIA_TYPE, invalid_body, problem_body

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
            body = await self._read_body(receive)
        except Refused as refused:
            await _answer(send, refused)
            return
        replayed = False

        async def replay() -> Message:
            # The app reads the checked body once; after that it waits on the client (a disconnect) as usual.
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole body, read and checked before the app sees any of it: the app (FastAPI reading a model) would
        turn an error raised while it reads into its own 400. At most max_bytes are ever held."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if NUL_IN_JSON in body or b"\x00" in body:
            raise Refused(422, _nul("body"))
        return body

    def _too_large(self) -> Refused:
        return Refused(413, f"the request body is larger than {self.max_bytes} bytes")

    def _check_head(self, scope: Scope) -> None:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            raise self._too_large()
        if "\x00" in scope["path"]:
            raise Refused(422, _nul("path"))
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            raise Refused(422, _nul("query"))


def _nul(where: str) -> list[dict]:
    return [{"loc": [where], "msg": "text may not contain the NUL character (U+0000)", "type": "value_error"}]


async def _answer(send: Send, refused: Refused) -> None:
    problem = (
        invalid_body(refused.detail)
        if isinstance(refused.detail, list)
        else problem_body(refused.status, str(refused.detail))
    )
    body = json.dumps(problem).encode()
    headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
