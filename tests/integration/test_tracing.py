"""ADR 0009: one trace from a ward's HTTP request through the outbox relay, Kafka and the consuming
service's handler, asserted parent by parent with the in-memory exporter."""

import uuid

import httpx
from opentelemetry import trace
from sqlalchemy import select

from admission.adapters.tables import messaging as admission_messaging
from admission.bootstrap import bootstrap as admission_app
from admission.settings import AdmissionSettings
from planning.adapters.tables import cases
from planning.bootstrap import bootstrap as planning_app
from planning.settings import PlanningSettings
from tests.support.auth import ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import eventually


async def test_request_relay_kafka_and_handler_share_one_trace(spans, kafka, postgres):
    admission = admission_app(
        AdmissionSettings(database_url=postgres.fresh_database("svu_trace_admission"), kafka_bootstrap=kafka.bootstrap)
    )
    planning = planning_app(
        PlanningSettings(
            database_url=postgres.fresh_database("svu_trace_planning"),
            kafka_bootstrap=kafka.bootstrap,
            consumer_group=f"svu-planning-trace-{uuid.uuid4()}",
        )
    )
    for app in (admission, planning):
        await app.state.runtime.start()
    try:
        stay_id = f"trace-{unique_hex()[:8]}"
        transport = httpx.ASGITransport(app=admission)
        async with httpx.AsyncClient(transport=transport, base_url="http://admission", headers=ward()) as c:
            response = await c.post(
                "/admission-notices",
                json=admission_notice(stay_id),
            )
        assert response.status_code == 201

        async def event_id():  # type: ignore[no-untyped-def]
            async with admission.state.runtime.sessions() as s:
                outbox = admission_messaging.outbox
                notice = (outbox.c.key == stay_id) & (outbox.c.topic == "svu.admission")  # not the identity (ADR 0028)
                return (await s.execute(select(outbox.c.event_id).where(notice))).scalar()

        async def case_opened():  # type: ignore[no-untyped-def]
            async with planning.state.runtime.sessions() as s:
                return (await s.execute(select(cases.c.case_id).where(cases.c.stay_id == stay_id))).scalar()

        admission_event = await eventually(event_id, what="the outbox row")
        await eventually(case_opened, what="planning to open the case")

        def handler_span():  # type: ignore[no-untyped-def]
            return next(
                (
                    s
                    for s in spans.get_finished_spans()
                    if s.kind is trace.SpanKind.CONSUMER and s.attributes.get("messaging.message.id") == admission_event
                ),
                None,
            )

        async def finished():  # type: ignore[no-untyped-def]
            return handler_span()

        handler = await eventually(finished, what="the planning handler span")
        by_id = {s.context.span_id: s for s in spans.get_finished_spans()}
        publish = by_id[handler.parent.span_id]
        request = by_id[publish.parent.span_id]
        assert publish.name == "publish svu.admission" and publish.kind is trace.SpanKind.PRODUCER
        assert request.kind is trace.SpanKind.SERVER and request.attributes.get("http.route") == "/admission-notices"
        assert handler.name == "planning handle se.svu.admission.notice_sent.v2"
        assert len({handler.context.trace_id, publish.context.trace_id, request.context.trace_id}) == 1
        # One server span per request, none per ASGI message (ADR 0020).
        same_trace = [s.name for s in spans.get_finished_spans() if s.context.trace_id == request.context.trace_id]
        assert not [name for name in same_trace if name.endswith((" http send", " http receive"))], same_trace
    finally:
        for app in (admission, planning):
            await app.state.runtime.stop()
