from admission.bootstrap import bootstrap
from admission.settings import AdmissionSettings
from svu_shared.http_app import serve

settings = AdmissionSettings()
serve(bootstrap(settings), settings)
