from svu_shared.runtime import serve

from planning.bootstrap import bootstrap
from planning.settings import PlanningSettings

settings = PlanningSettings()
serve(bootstrap(settings), settings)
