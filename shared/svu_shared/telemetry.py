"""One telemetry call per service: tracing for FastAPI, SQLAlchemy and httpx; W3C context in Kafka headers."""

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

TRACEPARENT = "traceparent"


def setup_telemetry(app, engine, service_name: str, exporter: str, endpoint: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """The one telemetry call of a service: a tracer provider (unless the process has one already, as in tests
    that install an in-memory exporter first) and instrumentation of FastAPI, SQLAlchemy and httpx. Kafka
    spans are made by the outbox relay (producer) and the consumer (handler), linked by the traceparent header."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        if exporter == "console":
            provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        elif exporter == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        trace.set_tracer_provider(provider)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health")
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
    if not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:
        HTTPXClientInstrumentor().instrument()


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT)


def context_from_traceparent(traceparent: str | None) -> Context:
    return propagate.extract({TRACEPARENT: traceparent} if traceparent else {})


def context_from_headers(headers) -> Context:  # type: ignore[no-untyped-def]
    carrier = {k: v.decode() for k, v in (headers or []) if k == TRACEPARENT}
    return propagate.extract(carrier)
