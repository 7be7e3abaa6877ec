from svu_shared.runtime import serve

from discharge.bootstrap import bootstrap
from discharge.settings import DischargeSettings

settings = DischargeSettings()
serve(bootstrap(settings), settings)
