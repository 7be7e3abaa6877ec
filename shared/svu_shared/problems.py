"""Every error a service answers is RFC 9457 problem details (`application/problem+json`), ADR 0013.

Each body has a stable `type` (a URN a client may switch on), the `title` of that type, the `status`, and a
`detail` in words; a 422 adds `errors`, one entry per field (`loc`, `msg`, `type`, as FastAPI reports them), so
a client reads every invalid field the same way. A broken process rule (`RuleBroken`) is a 409 whose detail is the
rule. Nothing internal is ever sent: an unexpected error is a 500 problem without its trace (it is in the log).
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from svu_shared.rules import RuleBroken

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"

# status → (type, title); the types are stable: clients and tests may switch on them.
PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("urn:svu:problem:bad-request", "The request cannot be read"),
    401: ("urn:svu:problem:unauthenticated", "No valid bearer token"),
    403: ("urn:svu:problem:forbidden", "The caller's role may not do this"),
    404: ("urn:svu:problem:not-found", "No such resource"),
    405: ("urn:svu:problem:method-not-allowed", "The resource does not take this method"),
    409: ("urn:svu:problem:rule-broken", "A process rule does not allow this now"),
    413: ("urn:svu:problem:too-large", "The request body is too large"),
    422: ("urn:svu:problem:invalid-input", "The input breaks a rule of its field"),
    429: ("urn:svu:problem:too-many-requests", "Too many requests; retry after the time given"),
    500: ("urn:svu:problem:internal", "The service failed; the error is in its log"),
    503: ("urn:svu:problem:unavailable", "The service cannot answer now; retry shortly"),
}


def problem_body(status: int, detail: str, **extensions: Any) -> dict[str, Any]:
    kind, title = PROBLEM_TYPES.get(status, (f"urn:svu:problem:http-{status}", "Request refused"))
    return {"type": kind, "title": title, "status": status, "detail": detail, **extensions}


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extensions: Any) -> JSONResponse:
    return JSONResponse(
        jsonable_encoder(problem_body(status, detail, **extensions)), status, headers=headers, media_type=MEDIA_TYPE
    )


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's entries without the submitted value (`input`): a 422 never echoes what was sent, neither as
    `input` nor quoted in a rule's message (ADR 0025); the field and the rule are named."""
    return [{"loc": list(e["loc"]), "msg": _unquoted(e["msg"], e.get("input")), "type": e["type"]} for e in errors]


def _unquoted(message: str, submitted: object) -> str:
    if isinstance(submitted, str) and submitted:
        for quoted in (repr(submitted), f'"{submitted}"'):
            message = message.replace(quoted, "(the submitted value)")
    return message


def invalid_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 problem: each field with its rule in `detail` ("body.reason: …; …") and in `errors`."""
    listed = field_errors(errors)
    detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in listed)
    return problem_body(422, detail or "invalid input", errors=listed)


def invalid(errors: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(jsonable_encoder(invalid_body(errors)), 422, media_type=MEDIA_TYPE)


def install(app: FastAPI) -> None:
    """The problem handlers of a service's app (every service, with or without a database)."""

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return problem(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}) or None)

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return invalid(list(exc.errors()))

    async def rule_broken(_request: Request, exc: Exception) -> JSONResponse:
        return problem(409, str(exc))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return problem(500, "the service failed to answer this request; it is logged")

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(RuleBroken, rule_broken)
    app.add_exception_handler(Exception, unexpected)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A stable URN naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What is wrong, in words: the rule or the fields"},
        "errors": {
            "type": "array",
            "description": "422 only: one entry per invalid field",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Every 4xx and 5xx answer of an OpenAPI document described as problem+json (FastAPI's own 422 included)."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] in "45":
                    response["content"] = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document
