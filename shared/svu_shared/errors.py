"""One shape for every 422: FastAPI's own (`detail` is a list of {loc, msg, type}), also where a rule is checked
in code rather than by the model, so a client reads every invalid field the same way (and the OpenAPI document
describes every 422 we send)."""

from fastapi.exceptions import RequestValidationError


def unprocessable(loc: tuple[str | int, ...], message: str, submitted: object = None) -> RequestValidationError:
    """Raise it: `raise unprocessable(("body", "admitted_at"), "admitted_at cannot be cleared")`. A message that
    quotes the `submitted` value does not echo it (svu_shared.problems)."""
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error", "input": submitted}])
