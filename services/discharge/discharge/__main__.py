from discharge.bootstrap import bootstrap
from discharge.settings import DischargeSettings
from svu_shared.runtime import serve

settings = DischargeSettings()
serve(bootstrap(settings), settings)
