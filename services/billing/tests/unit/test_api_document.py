"""The OpenAPI document describes what billing answers (ADR 0013): every success has its model or its file type,
and each model takes exactly what the answer carries (the shapes the CLI writes too), so a generated client reads
every field. No server, no database: the document is built from the app."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.adapters.follow_up_report import follow_up_dict
from billing.adapters.settlement_report import comparison_dict, settlement_dict
from billing.bootstrap import bootstrap
from billing.domain.calendar import Month
from billing.domain.facts import FactKind, StayFact
from billing.domain.follow_up import follow_up
from billing.entrypoints.schemas import ComparisonOut, FollowUpOut, SettlementOut
from billing.service_layer.settling import compare, settle_facts, timelines
from billing.settings import BillingSettings

T = ZoneInfo("Europe/Stockholm")
FILES = {
    "/invoices/{invoice_id}/specification.csv": {"text/csv"},
    "/invoices/{invoice_id}/specification.pdf": {"application/pdf"},
}
SHARED = ("/health", "/health/live", "/health/ready", "/audit")  # documented by svu_shared


@pytest.fixture(scope="module")
def document() -> dict:
    settings = BillingSettings(database_url="sqlite+aiosqlite:///:memory:", auth_jwks_url="file:///nowhere/jwks.json")
    return bootstrap(settings).openapi()


def test_every_success_is_a_model_or_a_file(document):
    operations = [(p, op) for p, ops in document["paths"].items() if p not in SHARED for op in ops.values()]
    assert len(operations) == 18  # 7, and the process wave's 11 (ADR 0016)
    for path, operation in operations:
        for status, answer in operation["responses"].items():
            if not status.startswith("2"):
                continue
            content = answer["content"]
            if path in FILES:
                assert set(content) == FILES[path], path
                continue
            assert content["application/json"]["schema"]["$ref"].startswith("#/components/schemas/"), path
    follow_up_answer = document["paths"]["/follow-up"]["get"]["responses"]["200"]["content"]
    assert set(follow_up_answer) == {"application/json", "image/png"}


def f(stay: str, kind: FactKind, day: int, hour: int, municipality: str | None = None) -> StayFact:
    return StayFact(stay, kind, datetime(2022, 3, day, hour, tzinfo=T), f"{stay}-{kind}-{day}", municipality)


def facts() -> list[StayFact]:
    """Two municipalities, a long-stayer, a second ready period and an anomaly (ready, never discharged)."""
    found = []
    for stay, municipality, ready, discharged in (
        ("a", "1280", 1, 4),
        ("b", "1280", 2, 5),
        ("long", "1280", 3, 20),
        ("c", "1281", 10, 11),
        ("open", "1281", 12, None),
    ):
        found += [f(stay, FactKind.ADMISSION_NOTICE, 1, 8, municipality), f(stay, FactKind.DISCHARGE_READY, ready, 9)]
        if discharged:
            found.append(f(stay, FactKind.DISCHARGED, discharged, 15))
    return [*found, f("b", FactKind.DISCHARGE_READY_WITHDRAWN, 3, 9), f("b", FactKind.DISCHARGE_READY, 4, 9)]


@pytest.mark.parametrize("agreement", ["skane-2018", "skane-longstay-proposal"])
def test_the_settlement_model_takes_exactly_the_settlement(agreement):
    body = settlement_dict(settle_facts(load_agreement(agreement), Month(2022, 3), facts(), load_day_amounts()))
    assert body["anomalies"] and body["municipalities"]
    assert SettlementOut.model_validate(body).model_dump(mode="json") == body


def test_the_comparison_model_keeps_each_agreements_line_under_its_id():
    a, b = load_agreement("skane-2018"), load_agreement("law-default")
    settled = tuple(settle_facts(x, Month(2022, 3), facts(), load_day_amounts()) for x in (a, b))
    body = comparison_dict((a.id, b.id), "2022-03", compare((settled[0], settled[1])))
    dumped = ComparisonOut.model_validate(body).model_dump(mode="json")
    assert dumped == body
    assert set(dumped["municipalities"][0]) == {"municipality", "skane-2018", "law-default", "difference_sek"}


def test_the_follow_up_model_takes_exactly_the_follow_up():
    agreement = load_agreement("skane-longstay-proposal")
    body = follow_up_dict(agreement.id, follow_up(agreement, Month(2022, 2), Month(2022, 3), timelines(facts())))
    assert body["months"]
    assert FollowUpOut.model_validate(body).model_dump(mode="json") == body
