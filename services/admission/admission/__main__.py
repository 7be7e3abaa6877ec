from admission.settings import AdmissionSettings
from svu_shared.http_app import serve

# The app factory by its import path: with ADMISSION_WORKERS > 1 each uvicorn worker builds its own app.
serve("admission.bootstrap:bootstrap", AdmissionSettings())
