"""The settings every service has; each service subclasses one of them once with its own env prefix and port.

`HttpSettings` are what the HTTP half needs (ADR 0013); `ServiceSettings` add the database and the broker."""

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from svu_shared.kafka import KafkaAccess, Security


class HttpSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int
    # uvicorn worker processes on the port (svu_shared.http_app.serve); one for `make run` (SQLite).
    workers: int = Field(default=1, ge=1)
    # Telemetry: "console" prints spans and metrics, "otlp" sends them to otel_endpoint (the collector's
    # OTLP/HTTP base URL, e.g. http://127.0.0.1:4318), "none" exports nothing.
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    otel_endpoint: str | None = None
    # Bearer tokens (ADR 0011, ADR 0024). Only `SVU_AUTH_MODE=dev` (make run, make up, the tests) trusts the local
    # development issuer (.local/issuer, `make token`); otherwise the service refuses to start without an https
    # JWKS URL and the region's issuer. The audience is the service's own, `svu-<name>`, unless set.
    auth_mode: Literal["dev", "oidc"] = Field(default="oidc", validation_alias="SVU_AUTH_MODE")
    auth_jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_leeway_seconds: int = Field(default=30, ge=0, le=300)
    auth_max_token_lifetime_seconds: int = Field(default=8 * 3600, ge=60)
    # Hostile input (ADR 0011): larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = 65_536
    # Rate limits (ADR 0025), in the `limits` notation ("6000/minute;200/second", "" for none): per client address
    # and per verified user; the storage is shared between replicas when it is not memory.
    rate_limit_per_client: str = "6000/minute"
    rate_limit_per_user: str = "3000/minute"
    rate_limit_storage: str = "async+memory://"
    # Readiness (/health/ready) is checked at most this often; requests in between get the last answer.
    health_cache_seconds: float = Field(default=2.0, ge=0, le=60)

    @field_validator("rate_limit_per_client", "rate_limit_per_user")
    @classmethod
    def _readable_limits(cls, value: str) -> str:
        from svu_shared.rate_limits import parsed

        parsed(value)  # a ValueError names what cannot be read; the service does not start
        return value


class BrokerClientSettings(HttpSettings):
    """A service that reads or writes the broker (every service; the web application reads only)."""

    kafka_bootstrap: str = "127.0.0.1:9092"
    # Who the service is on the broker (ADR 0021): SASL_SSL with SCRAM-SHA-512, its own principal (the service's
    # name unless set). Without a password and CA file the local development ones under .local/kafka-security are
    # used (the runtime logs a warning); production sets both. The password may come from a file instead
    # (kafka_password_file: a compose or orchestrator secret, so it is in no environment); the variable wins.
    kafka_security: Security = "SASL_SSL"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_password_file: str | None = None
    kafka_ca_file: str | None = None

    def kafka_secret(self) -> str | None:
        """The principal's password: the variable, else the file's content (surrounding whitespace stripped), else
        None (the local development one)."""
        if self.kafka_password is not None:
            return self.kafka_password.get_secret_value()
        if self.kafka_password_file:
            return Path(self.kafka_password_file).read_text(encoding="utf-8").strip()
        return None

    def kafka_access(self, service: str) -> KafkaAccess:
        password = self.kafka_secret()
        return KafkaAccess(
            self.kafka_bootstrap, self.kafka_username or service, password, self.kafka_security, self.kafka_ca_file
        )


class ServiceSettings(BrokerClientSettings):
    database_url: str
    # PostgreSQL connections per process (each worker has its own pool): kept open, and opened for a burst.
    database_pool_size: int = 20
    database_max_overflow: int = 10
    # Migrations at start (ADR 0026): on for `make run` and the tests; off where the runtime connects as a role that
    # may not change the schema (compose, production), where `python -m <service> migrate` runs first as the owner.
    migrate_on_start: bool = True
    consumer_group: str | None = None
    metrics_interval_seconds: float = 5.0
    relay_batch_size: int = 500
    # How long the outbox relay, woken by a commit, waits for the commits behind it before it publishes (ADR 0020).
    relay_linger_seconds: float = 0.005
    # The consumer (ADR 0012): how often an event that fails for its own sake is tried before it is dead-lettered,
    # and how long the consumer may make no progress while it has lag before readiness (/health) says so.
    consumer_max_attempts: int = 3
    consumer_stall_seconds: float = 60.0
    # Retention of the messaging tables (ADR 0023; ISO 8601 durations or seconds): sent outbox rows, inbox rows
    # (longer than the event topics' 400 days, so a redelivery always finds its id), events parked for a stay whose
    # notice never came (then dead-lettered); purged every purge_interval_seconds.
    outbox_sent_retention: timedelta = timedelta(days=7)
    inbox_retention: timedelta = timedelta(days=430)
    parked_retention: timedelta = timedelta(days=7)
    purge_interval_seconds: float = 3600.0


class ClinicalSettings(ServiceSettings):
    """A service that keeps a stay's clinical record (admission, planning, discharge); billing keeps no patient
    identity and keeps its underlag for the accounts (ADR 0025)."""

    # Patientdatalagen 4 kap. 1 §, need-to-know over time (ADR 0025): every role's read access to a discharged stay
    # ends this many days after its discharge (0: at discharge); reads then answer 404 like a stay one may not see.
    read_access_after_discharge_days: int = Field(default=90, ge=0)
