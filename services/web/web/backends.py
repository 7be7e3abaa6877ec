"""The four services, called with the signed-in user's own bearer token (ADR 0017), so their access rules and audit
logs see the real user. Their answers become what a screen can show:

- 401: the session's token is no longer accepted → sign in again (`SignInAgain`);
- 403 and 404: the same "not found" for a stay one may not see as for one that does not exist (`NotFound`);
- 409: a process rule, in its own words; 422: each field with its rule (`Refused`, shown beside the fields);
- 503, a timeout or a refused connection: try again (`Unavailable`), the user's input kept.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from web.settings import WebSettings

Service = Literal["admission", "planning", "discharge", "billing"]


class SignInAgain(Exception):
    pass


class NotFound(Exception):
    pass


class Unavailable(Exception):
    pass


@dataclass
class Refused(Exception):
    """A 409 (a rule of the process) or 422 (fields): `fields` maps a form field to its rule's words, `rule` is
    the 409's detail or what concerns no one field."""

    status: int
    rule: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def refusal(status: int, problem: dict[str, Any]) -> Refused:
    fields: dict[str, str] = {}
    for error in problem.get("errors") or []:
        loc = [str(p) for p in error.get("loc", []) if p not in ("body", "query", "path")]
        name = ".".join(loc) or "_"
        fields.setdefault(name, str(error.get("msg", "")).removeprefix("Value error, "))
    rule = None if fields else str(problem.get("detail") or problem.get("title") or "")
    return Refused(status, rule, fields)


class Backends:
    def __init__(self, settings: WebSettings) -> None:
        self._urls: dict[str, str] = {
            "admission": settings.admission_url,
            "planning": settings.planning_url,
            "discharge": settings.discharge_url,
            "billing": settings.billing_url,
        }
        self._client = httpx.AsyncClient(timeout=settings.service_timeout_seconds)

    async def close(self) -> None:
        await self._client.aclose()

    async def call(
        self,
        token: str,
        service: Service,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        query = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            response = await self._client.request(
                method,
                self._urls[service] + path,
                params=query,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            raise Unavailable(service) from exc
        status = response.status_code
        if status < 400:
            return response
        if status == 401:
            raise SignInAgain
        if status in (403, 404):
            raise NotFound
        if status in (409, 422):
            raise refusal(status, _problem(response))
        raise Unavailable(service)

    async def get(self, token: str, service: Service, path: str, **params: Any) -> Any:
        return (await self.call(token, service, "GET", path, params=params)).json()

    async def send(self, token: str, service: Service, method: str, path: str, body: Any = None) -> Any:
        response = await self.call(token, service, method, path, json=body)
        return response.json() if response.content else None


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"detail": response.text[:500]}
    return body if isinstance(body, dict) else {"detail": str(body)}
