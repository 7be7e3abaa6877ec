from admission.adapters.tables import metadata
from admission.settings import AdmissionSettings
from svu_shared.migrations import run_env

run_env(metadata, AdmissionSettings().database_url)
