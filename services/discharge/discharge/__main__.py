from discharge.bootstrap import MIGRATIONS, bootstrap
from discharge.settings import DischargeSettings
from svu_shared.migrate import serve_or_migrate

serve_or_migrate(bootstrap, DischargeSettings(), MIGRATIONS)
