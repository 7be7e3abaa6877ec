from pydantic_settings import SettingsConfigDict

from svu_shared.settings import ClinicalSettings


class DischargeSettings(ClinicalSettings):
    model_config = SettingsConfigDict(env_prefix="DISCHARGE_")

    port: int = 8003
    database_url: str = "sqlite+aiosqlite:///.local/run/discharge.db"
