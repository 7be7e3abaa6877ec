from billing.bootstrap import MIGRATIONS, bootstrap
from billing.settings import BillingSettings
from svu_shared.migrate import serve_or_migrate

serve_or_migrate(bootstrap, BillingSettings(), MIGRATIONS)
