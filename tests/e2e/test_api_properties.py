"""ADR 0011: schemathesis generates requests from each service's OpenAPI document (valid and invalid bodies,
parameters, strings at and past their limits) and sends them to the running services: no answer is a 5xx,
and every answer matches the document. Each operation is called with a token of a role that may use it, so
the requests reach the validation and the rules rather than stopping at 403."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.support.auth import finance, municipality, primary_care, ward

CHECKS = [checks.not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = settings(
    max_examples=int(os.environ.get("SVU_API_EXAMPLES", "20")), deadline=None, suppress_health_check=list(HealthCheck)
)


def caller(service: str, path: str) -> dict[str, str]:
    """A role that may use the operation (the access matrix proves the others are refused)."""
    if service == "billing" or path.startswith(("/audit", "/follow-up")):
        return finance()
    if path.startswith("/cases") or path.endswith("/receiving-decision"):
        return municipality()
    if path.endswith("/care-contact"):
        return primary_care("VC1")
    return ward()


def _failures(url: str, service: str) -> list[str]:
    """Every operation of the service's document, each with generated cases; what failed, per operation."""
    failures = []
    for result in schemathesis.openapi.from_url(f"{url}/openapi.json").get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def exercise(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=caller(service, case.path), checks=CHECKS)

        try:
            exercise()
        except Exception as exc:  # schemathesis reports each failing check with the request that caused it
            failures.append(f"{operation.label}: {exc}")
    return failures


# schemathesis' own pytest plugin does not run under pytest 9 yet; its Hypothesis strategies are used directly.
@pytest.mark.parametrize("service", ["admission", "planning", "discharge", "billing"])
def test_no_5xx_and_no_answer_outside_the_document(running_services, service):
    failures = _failures(running_services[service].url, service)
    assert not failures, "\n\n".join(failures)
