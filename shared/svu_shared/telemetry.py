"""One telemetry call per service: traces and metrics of FastAPI, SQLAlchemy, httpx; W3C context in Kafka."""

from opentelemetry import metrics, propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

TRACEPARENT = "traceparent"


def setup_telemetry(app, engine, service_name: str, exporter: str, endpoint: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """The one telemetry call of a service: a tracer and a meter provider exporting to the console or to an
    OTLP endpoint, and instrumentation of FastAPI (server spans, request latency), SQLAlchemy and httpx.
    Kafka spans are made by the outbox relay (producer) and the consumer (handler), linked by the traceparent
    header; the messaging metrics are in svu_shared.metrics.

    With exporter "none" no provider is installed: the API's proxies stay in place, so a test can install
    in-memory ones (before or after) and see every span and metric; a process keeps the first provider set."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    if exporter != "none" and not isinstance(trace.get_tracer_provider(), TracerProvider):
        resource = Resource.create({"service.name": service_name})
        span_exporter, metric_exporter = _exporters(exporter, endpoint)
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(span_exporter))
        trace.set_tracer_provider(provider)
        metrics.set_meter_provider(
            MeterProvider(resource=resource, metric_readers=[PeriodicExportingMetricReader(metric_exporter)])
        )
    # One server span per request; no span per ASGI message sent or received (two or three more per request, each
    # its own start, attributes and end: a share of a request's CPU that says nothing a reader asks, ADR 0020).
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health", exclude_spans=["receive", "send"])
    if engine is not None:  # a service without a database (the web application) has none
        SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
    if not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:
        HTTPXClientInstrumentor().instrument()


def _exporters(exporter: str, endpoint: str | None):  # type: ignore[no-untyped-def]
    if exporter == "console":
        return ConsoleSpanExporter(), ConsoleMetricExporter()
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    # OTLP/HTTP: one base URL for the collector, signals at their standard paths (None: the SDK's default).
    base = endpoint.rstrip("/") if endpoint else None
    return (
        OTLPSpanExporter(endpoint=f"{base}/v1/traces" if base else None),
        OTLPMetricExporter(endpoint=f"{base}/v1/metrics" if base else None),
    )


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT)


def context_from_traceparent(traceparent: str | None) -> Context:
    return propagate.extract({TRACEPARENT: traceparent} if traceparent else {})


def context_from_headers(headers) -> Context:  # type: ignore[no-untyped-def]
    carrier = {k: v.decode() for k, v in (headers or []) if k == TRACEPARENT}
    return propagate.extract(carrier)
