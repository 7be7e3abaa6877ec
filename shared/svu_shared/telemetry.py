"""One telemetry call per service: tracing for FastAPI, SQLAlchemy and httpx; W3C context in Kafka headers."""

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

TRACEPARENT = "traceparent"


def setup_telemetry(
    service_name: str, exporter: str, endpoint: str | None = None, extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
    trace.set_tracer_provider(provider)
    return provider


def instrument(app, engine) -> None:  # type: ignore[no-untyped-def]
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="health")
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
    HTTPXClientInstrumentor().instrument()


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT)


def traceparent_headers(traceparent: str | None) -> list[tuple[str, bytes]]:
    return [(TRACEPARENT, traceparent.encode())] if traceparent else []


def context_from_headers(headers) -> Context:  # type: ignore[no-untyped-def]
    carrier = {k: v.decode() for k, v in (headers or []) if k == TRACEPARENT}
    return propagate.extract(carrier)
