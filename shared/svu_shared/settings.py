"""The settings every service has; each service subclasses one of them once with its own env prefix and port.

`HttpSettings` are what the HTTP half needs (ADR 0013); `ServiceSettings` add the database and the broker."""

from datetime import timedelta
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from svu_shared.kafka import KafkaAccess, Security


class HttpSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    host: str = "127.0.0.1"
    port: int
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
    kafka_bootstrap: str = "127.0.0.1:9092"
    # Who the service is on the broker (ADR 0021): SASL_SSL with SCRAM-SHA-512, its own principal (the service's
    # name unless set). Without a password and CA file the local development ones under .local/kafka-security are
    # used (the runtime logs a warning); production sets both.
    kafka_security: Security = "SASL_SSL"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_ca_file: str | None = None
    consumer_group: str | None = None
    metrics_interval_seconds: float = 5.0
    relay_batch_size: int = 500
    # The consumer (ADR 0012): how often an event that fails for its own sake is tried before it is dead-lettered,
    # and how long the consumer may make no progress while it has lag before readiness (/health) says so.
    consumer_max_attempts: int = 3
    consumer_stall_seconds: float = 60.0
    # Retention of the messaging tables (ADR 0023; ISO 8601 durations or seconds): sent outbox rows, inbox rows
    # (longer than the event topics' 14 days, so a redelivery always finds its id), events parked for a stay whose
    # notice never came (then dead-lettered); purged every purge_interval_seconds.
    outbox_sent_retention: timedelta = timedelta(days=7)
    inbox_retention: timedelta = timedelta(days=30)
    parked_retention: timedelta = timedelta(days=7)
    purge_interval_seconds: float = 3600.0

    def kafka_access(self, service: str) -> KafkaAccess:
        password = self.kafka_password.get_secret_value() if self.kafka_password else None
        return KafkaAccess(
            self.kafka_bootstrap, self.kafka_username or service, password, self.kafka_security, self.kafka_ca_file
        )
