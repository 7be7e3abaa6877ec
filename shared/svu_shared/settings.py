"""The settings every service has; each service subclasses one of them once with its own env prefix and port.

`HttpSettings` are what the HTTP half needs (ADR 0013); `ServiceSettings` add the database and the broker."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HttpSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    host: str = "127.0.0.1"
    port: int
    # uvicorn worker processes on the port (svu_shared.http_app.serve); one for `make run` (SQLite).
    workers: int = Field(default=1, ge=1)
    # Telemetry: "console" prints spans and metrics, "otlp" sends them to otel_endpoint (the collector's
    # OTLP/HTTP base URL, e.g. http://127.0.0.1:4318), "none" exports nothing.
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    otel_endpoint: str | None = None
    # Bearer tokens (ADR 0011): the identity provider's JWKS URL, issuer and audience. Without a URL the service
    # trusts the local development issuer (.local/issuer, `make token`); production sets all three.
    auth_jwks_url: str | None = None
    auth_issuer: str = "svu-local-issuer"
    auth_audience: str = "svu"
    # Hostile input (ADR 0011): larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = 65_536


class ServiceSettings(HttpSettings):
    database_url: str
    # PostgreSQL connections per process (each worker has its own pool): kept open, and opened for a burst.
    database_pool_size: int = 20
    database_max_overflow: int = 10
    kafka_bootstrap: str = "127.0.0.1:9092"
    # Replication factor of the topics a service creates: 1 on the single development broker, 3 on a
    # cluster (min.insync.replicas 2 is the broker's setting, so acks=all survives losing one broker).
    kafka_replication_factor: int = 1
    consumer_group: str | None = None
    metrics_interval_seconds: float = 5.0
    relay_batch_size: int = 500
    # How long the outbox relay, woken by a commit, waits for the commits behind it before it publishes (ADR 0020).
    relay_linger_seconds: float = 0.005
    # The consumer (ADR 0012): how often an event that fails for its own sake is tried before it is dead-lettered,
    # and how long the consumer may make no progress while it has lag before readiness (/health) says so.
    consumer_max_attempts: int = 3
    consumer_stall_seconds: float = 60.0
