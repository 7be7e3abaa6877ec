from pydantic_settings import SettingsConfigDict

from svu_shared.settings import ServiceSettings


class BillingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_")

    port: int = 8004
    database_url: str = "sqlite+aiosqlite:///.local/run/billing.db"
