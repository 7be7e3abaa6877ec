from pydantic_settings import SettingsConfigDict

from svu_shared.settings import ClinicalSettings


class AdmissionSettings(ClinicalSettings):
    model_config = SettingsConfigDict(env_prefix="ADMISSION_")

    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///.local/run/admission.db"
