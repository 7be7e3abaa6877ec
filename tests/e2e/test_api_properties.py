"""Issue 5 §6: schemathesis generates requests from each service's OpenAPI document (valid and invalid bodies,
parameters, strings at and past their limits) and sends them to the running services: no answer is a 5xx,
and every answer matches the document. Each operation is called with a token of a role that may use it, so
the requests reach the validation and the rules rather than stopping at 403."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.support.auth import finance, municipality, primary_care, ward

CHECKS = [checks.not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))


def caller(service: str, path: str) -> dict[str, str]:
    """A role that may use the operation (the access matrix proves the others are refused)."""
    if service == "billing" or path.startswith(("/audit", "/follow-up")):
        return finance()
    if path.startswith("/cases") or path.endswith("/receiving-decision"):
        return municipality()
    if path.endswith("/care-contact"):
        return primary_care("VC1")
    return ward()


def _schema(running_services, service: str):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(f"{running_services[service].url}/openapi.json")


@pytest.fixture(scope="session")
def admission_api(running_services):  # type: ignore[no-untyped-def]
    return _schema(running_services, "admission")


@pytest.fixture(scope="session")
def planning_api(running_services):  # type: ignore[no-untyped-def]
    return _schema(running_services, "planning")


@pytest.fixture(scope="session")
def discharge_api(running_services):  # type: ignore[no-untyped-def]
    return _schema(running_services, "discharge")


@pytest.fixture(scope="session")
def billing_api(running_services):  # type: ignore[no-untyped-def]
    return _schema(running_services, "billing")


def _exercise(case, service: str) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=caller(service, case.path), checks=CHECKS)


admission = schemathesis.pytest.from_fixture("admission_api")
planning = schemathesis.pytest.from_fixture("planning_api")
discharge = schemathesis.pytest.from_fixture("discharge_api")
billing = schemathesis.pytest.from_fixture("billing_api")


@admission.parametrize()
@EXAMPLES
def test_admission_api(case):  # type: ignore[no-untyped-def]
    _exercise(case, "admission")


@planning.parametrize()
@EXAMPLES
def test_planning_api(case):  # type: ignore[no-untyped-def]
    _exercise(case, "planning")


@discharge.parametrize()
@EXAMPLES
def test_discharge_api(case):  # type: ignore[no-untyped-def]
    _exercise(case, "discharge")


@billing.parametrize()
@EXAMPLES
def test_billing_api(case):  # type: ignore[no-untyped-def]
    _exercise(case, "billing")
