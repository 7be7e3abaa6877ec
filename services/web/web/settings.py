from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from svu_shared.settings import BrokerClientSettings


class WebSettings(BrokerClientSettings):
    model_config = SettingsConfigDict(env_prefix="WEB_")

    port: int = 8000
    # The four services, called with the signed-in user's bearer token (ADR 0017).
    admission_url: str = "http://127.0.0.1:8001"
    planning_url: str = "http://127.0.0.1:8002"
    discharge_url: str = "http://127.0.0.1:8003"
    billing_url: str = "http://127.0.0.1:8004"
    # "dev": a sign-in page that mints local tokens and GET /dev-login (make run, make up, tests); "oidc": the
    # region's identity provider, authorization code flow with PKCE. Nothing else is accepted (fail closed).
    auth_mode: Literal["dev", "oidc"] = "oidc"
    oidc_discovery_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scope: str = "openid profile"
    # Signs the short-lived cookie of the sign-in round trip (state, nonce, PKCE verifier); replicas share it.
    signin_secret: str | None = None
    # The web address users reach this service at; the OIDC redirect and the Secure cookie follow from it.
    public_url: str = "http://127.0.0.1:8000"
    # Sessions (ADR 0017): opaque id in an httpOnly cookie, the tokens in this database, shared by replicas.
    session_database_url: str = "sqlite+aiosqlite:///.local/run/web-sessions.db"
    session_idle_minutes: int = 60
    # A working shift; the services accept no token that lives longer (auth_max_token_lifetime_seconds, ADR 0024).
    session_max_hours: int = 8
    # Live updates: every replica reads every topic in a group of its own (ADR 0017), as the broker principal
    # `web`, which may only read the four event topics with groups named web-… (ADR 0021).
    live_topics: tuple[str, ...] = ("svu.admission", "svu.planning", "svu.discharge", "svu.billing")
    # How far back a replica reads the topics at its start to learn the stays' parties (ADR 0017): the topics keep
    # 400 days (ADR 0023), which a replica need not read before it is live; a stay older than this gets live
    # updates again from its next notice, correction or case event, and its pages are right on every load.
    live_lookback_days: int = Field(default=30, ge=0, le=400)
    live_enabled: bool = True
    service_timeout_seconds: float = 10.0

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")
