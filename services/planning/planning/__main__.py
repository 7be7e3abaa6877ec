from planning.bootstrap import bootstrap
from planning.settings import PlanningSettings
from svu_shared.http_app import serve

settings = PlanningSettings()
serve(bootstrap(settings), settings)
