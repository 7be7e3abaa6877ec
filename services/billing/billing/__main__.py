from svu_shared.runtime import serve

from billing.bootstrap import bootstrap
from billing.settings import BillingSettings

settings = BillingSettings()
serve(bootstrap(settings), settings)
