from billing.bootstrap import bootstrap
from billing.settings import BillingSettings
from svu_shared.http_app import serve

settings = BillingSettings()
serve(bootstrap(settings), settings)
