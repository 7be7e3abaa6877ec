from planning.adapters.tables import metadata
from planning.settings import PlanningSettings
from svu_shared.migrations import run_env

run_env(metadata, PlanningSettings().database_url)
