from svu_shared.http_app import serve
from web.bootstrap import bootstrap
from web.settings import WebSettings

settings = WebSettings()
serve(bootstrap(settings), settings)
