from discharge.adapters.tables import metadata
from discharge.settings import DischargeSettings
from svu_shared.migrations import run_env

run_env(metadata, DischargeSettings().database_url)
