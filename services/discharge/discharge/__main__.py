from discharge.bootstrap import bootstrap
from discharge.settings import DischargeSettings
from svu_shared.http_app import serve

settings = DischargeSettings()
serve(bootstrap(settings), settings)
