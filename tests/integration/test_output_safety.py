"""ADR 0027: every answer of every service carries the security headers (nosniff; no-store, for the answers carry
patient data), refusals included; an invoice id is checked before it reaches the underlag's file name."""

import pytest

from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from billing.bootstrap import bootstrap as billing_app
from billing.settings import BillingSettings
from discharge.bootstrap import bootstrap as discharge_app
from discharge.settings import DischargeSettings
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from tests.support.auth import finance, ward
from tests.support.ids import unique_hex
from tests.support.inprocess import in_process

SERVICES = {
    "admission": (admission_app, AdmissionSettings, "/stays/S1"),
    "planning": (planning_app, PlanningSettings, "/stays/S1"),
    "discharge": (discharge_app, DischargeSettings, "/stays/S1"),
    "billing": (billing_app, BillingSettings, "/stays/S1/ready-periods"),
}


def _safe(answer) -> None:  # type: ignore[no-untyped-def]
    assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url
    assert answer.headers["cache-control"] == "no-store", answer.request.url
    assert answer.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_every_answer_of_every_service_carries_the_security_headers(database, name):
    bootstrap, settings, stay_path = SERVICES[name]
    url = database.fresh(f"svu_it_headers_{name}_{unique_hex()[:6]}")
    async with in_process(bootstrap, settings(database_url=url)) as service:
        who = finance() if name == "billing" else ward("W")
        answers = [
            await service.http.get("/health"),
            await service.http.get(stay_path, headers=who),  # patient data, or 404 about it
            await service.http.get(stay_path),  # 401
            await service.http.get("/stays/191212121212", headers=who),  # 422
            await service.http.post("/stays/S1/x", headers=who, content=b"x" * 1_000_000),  # 413 or 404
        ]
        for answer in answers:
            _safe(answer)


async def test_an_invoice_id_is_checked_before_it_names_a_file(database):
    url = database.fresh(f"svu_it_invoice_id_{unique_hex()[:6]}")
    async with in_process(billing_app, BillingSettings(database_url=url)) as billing:
        answer = await billing.http.get('/invoices/a"b;c/specification.csv', headers=finance())
        assert answer.status_code == 422, answer.text
        assert [e["loc"] for e in answer.json()["errors"]] == [["path", "invoice_id"]]
        assert "content-disposition" not in answer.headers
        _safe(answer)
