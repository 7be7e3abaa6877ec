"""Answers that cannot attack their reader (ADR 0027): every answer of every service says `nosniff` (a browser
never guesses a type, so an id or a note cannot be run as script or style), may not be framed, sends no referrer,
and is never stored by a browser or proxy: the answers carry patient data (Patientdatalagen 4 kap.), and one
`no-store` everywhere cannot be forgotten on a new route.

A pure ASGI middleware, outermost of the app's own, so the headers are on refusals (413, 422) and problems too.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
