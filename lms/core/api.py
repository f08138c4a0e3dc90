"""What every JSON endpoint shares: authentication, CSRF for cookie sessions, blueprints."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import Unauthorized
from wtforms import ValidationError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
AUTH_RESPONSES = {401: "Not signed in, or the token is missing, revoked or wrong."}


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    from lms.extensions import csrf

    blp = Blueprint(name, import_name, url_prefix="/api/v1", description=description)
    csrf.exempt(blp)  # checked in ``authenticated`` for cookie sessions only
    return blp


class _Unauthorized(Unauthorized):
    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", 'Bearer realm="api"')]


def authenticated(view):
    """Require a signed-in user; cookie sessions must also send the CSRF token on writes."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            raise _Unauthorized()
        if request.method not in SAFE_METHODS and not g.get("api_token_auth"):
            try:
                validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
            except ValidationError as exc:
                raise CSRFError(str(exc)) from None
        return view(*args, **kwargs)

    return wrapped
