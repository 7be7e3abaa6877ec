from admission.bootstrap import MIGRATIONS, bootstrap
from admission.settings import AdmissionSettings
from svu_shared.migrate import serve_or_migrate

serve_or_migrate(bootstrap, AdmissionSettings(), MIGRATIONS)
