"""Extension objects, created unbound and attached in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from lms.core.errors import ErrorSchema
from lms.core.i18n import CATALOGUES
from lms.core.models import Base


class LmsApi(Api):
    """flask-smorest Api whose errors are rendered by ``lms.core.errors`` for /api/ only.

    Its documented error body is the one sent (``ErrorSchema``), and an operation documents
    each status it answers: there is no catch-all ``default`` response to hide one.
    """

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        # flask-smorest would turn every HTTP error of the app, HTML pages too, into JSON.
        pass


class LmsBabel(Babel):
    """Flask-Babel with catalogues looked up by our language codes (sr_Latn, cnr…)."""

    @property
    def domain_instance(self):
        return CATALOGUES


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = LmsBabel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
api = LmsApi()
