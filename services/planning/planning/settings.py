from pydantic_settings import SettingsConfigDict

from svu_shared.settings import ClinicalSettings


class PlanningSettings(ClinicalSettings):
    model_config = SettingsConfigDict(env_prefix="PLANNING_")

    port: int = 8002
    database_url: str = "sqlite+aiosqlite:///.local/run/planning.db"
