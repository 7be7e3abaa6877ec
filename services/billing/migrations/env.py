from billing.adapters.tables import metadata
from billing.settings import BillingSettings
from svu_shared.migrations import run_env

run_env(metadata, BillingSettings().database_url)
