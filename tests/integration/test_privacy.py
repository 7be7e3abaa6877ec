"""ADR 0011: protected identity never leaves the admission service; every access is in an append-only
audit log that finance and admin query by stay; no personnummer in application logs or traces."""

import logging

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from svu_shared.contracts import AdmissionNoticeSentV2, PatientIdentified
from tests.support.auth import admin, finance, municipality, primary_care, ward
from tests.support.notices import admission_notice

PNR = "191212121212"
NAME, ADDRESS = "Tolvan Tolvansson", "Storgatan 1, 211 22 Malmö"


def _notice(stay_id: str, protected: bool) -> dict:
    return {
        **admission_notice(stay_id),
        "patient_name": NAME,
        "patient_address": ADDRESS,
        "protected_identity": protected,
        "primary_care_unit": "VC1",
    }


async def test_a_protected_identitys_name_and_address_stay_in_the_admission_service(admission, planning):
    for stay_id, protected in (("P1", True), ("P2", False)):
        posted = await admission.http.post("/admission-notices", json=_notice(stay_id, protected), headers=ward())
        assert posted.status_code == 201
    [protected_identity, protected_notice] = await admission.published("P1")
    [open_identity, open_notice] = await admission.published("P2")
    # The notice identifies no one (ADR 0028); the identity goes on its own topic, to planning alone.
    for notice in (protected_notice, open_notice):
        assert (notice["type"], notice["version"]) == ("notice_sent", "v2")
        assert not {"patient_id", "patient_name", "patient_address", "protected_identity"} & set(notice)
    assert (protected_identity["type"], protected_identity["protected_identity"]) == ("patient_identified", True)
    assert protected_identity.get("patient_name") is None and protected_identity.get("patient_address") is None
    assert NAME not in str(protected_identity) and protected_identity["patient_id"] == PNR
    assert (open_identity["patient_name"], open_identity["patient_address"]) == (NAME, ADDRESS)
    # The wards see the protected patient's name and address; the receivers do not, even in the admission service.
    assert (await admission.http.get("/stays/P1", headers=ward())).json()["patient_name"] == NAME
    for receiver in (municipality(), primary_care("VC1")):
        seen = (await admission.http.get("/stays/P1", headers=receiver)).json()
        assert (seen["patient_name"], seen["patient_address"], seen["protected_identity"]) == (None, None, True)
    for notice, identity in ((protected_notice, protected_identity), (open_notice, open_identity)):
        await planning.feed(AdmissionNoticeSentV2(**notice))
        await planning.feed(PatientIdentified(**identity))
    assert (await planning.http.get("/stays/P1", headers=municipality())).json()["patient_name"] is None
    assert (await planning.http.get("/stays/P2", headers=municipality())).json()["patient_name"] == NAME


async def test_every_access_is_audited_append_only_and_finance_or_admin_query_it_by_stay(admission):
    await admission.http.post("/admission-notices", json=admission_notice("A1"), headers=ward())
    await admission.http.get("/stays/A1", headers=municipality())
    await admission.http.get("/stays/A1", headers=municipality("1281"))  # another municipality: 404, still logged
    await admission.http.post("/stays/A1/cancellation", json={"reason": "x"}, headers=finance())  # 403, logged
    log = (await admission.http.get("/audit", params={"stay_id": "A1"}, headers=admin())).json()
    assert [(e["role"], e["org"], e["method"], e["endpoint"], e["status"]) for e in log] == [
        ("ward", "W", "POST", "/admission-notices", 201),
        ("municipality", "1280", "GET", "/stays/{stay_id}", 200),
        ("municipality", "1281", "GET", "/stays/{stay_id}", 404),
        ("finance", "SE2321000016-EKONOMI", "POST", "/stays/{stay_id}/cancellation", 403),
    ]
    assert log[0]["subject"] == "ward-user@W" and log[0]["at"]
    assert (await admission.http.get("/audit", params={"stay_id": "A1"}, headers=ward())).status_code == 403
    async with admission.runtime.engine.begin() as connection:
        for statement in ("UPDATE audit_log SET status = 200", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="audit_log is append-only"):
                async with connection.begin_nested():
                    await connection.execute(text(statement))


async def test_no_personnummer_in_logs_or_traces(admission, caplog, spans: InMemorySpanExporter):
    caplog.set_level(logging.DEBUG)
    spans.clear()
    await admission.http.post("/admission-notices", json=admission_notice("L1"), headers=ward())
    bad = {**admission_notice("L2"), "patient_id": PNR[:-1] + "3"}
    assert (await admission.http.post("/admission-notices", json=bad, headers=ward())).status_code == 422
    await admission.http.post(
        "/admission-notices", json={**admission_notice("L1"), "care_type": "psychiatric"}, headers=ward()
    )
    logging.getLogger("svu.test").warning("a careless line about %s and 121212-1212", PNR)  # the net catches it
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "[personnummer]" in logged
    assert PNR not in logged and "121212-1212" not in logged and PNR[:-1] not in logged
    traced = " ".join(
        f"{s.name} {dict(s.attributes or {})} {[e.attributes for e in s.events]}" for s in spans.get_finished_spans()
    )
    assert spans.get_finished_spans() and PNR not in traced and PNR[:-1] not in traced
