from planning.bootstrap import bootstrap
from planning.settings import PlanningSettings
from svu_shared.runtime import serve

settings = PlanningSettings()
serve(bootstrap(settings), settings)
