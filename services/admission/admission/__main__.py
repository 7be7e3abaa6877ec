from svu_shared.runtime import serve

from admission.bootstrap import bootstrap
from admission.settings import AdmissionSettings

settings = AdmissionSettings()
serve(bootstrap(settings), settings)
