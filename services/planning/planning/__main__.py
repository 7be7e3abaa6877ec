from planning.bootstrap import MIGRATIONS, bootstrap
from planning.settings import PlanningSettings
from svu_shared.migrate import serve_or_migrate

serve_or_migrate(bootstrap, PlanningSettings(), MIGRATIONS)
