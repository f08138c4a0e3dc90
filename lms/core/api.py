"""What every JSON endpoint shares: authentication, CSRF for cookie sessions, blueprints, and
the rules that keep the OpenAPI document exact.

- An error's documented body is ``ErrorSchema``, the body ``lms.core.errors.json_error`` sends.
- An operation wrapped in ``authenticated`` declares the security schemes and its 401; one
  that is not declares no security at all (public operations: certificate verification,
  the course catalogue, registration).
- Unknown fields are refused (422) wherever input is read: JSON body, query string, form and
  multipart fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import wraps

import marshmallow as ma
from flask import g, request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import CSRFError, validate_csrf
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Unauthorized
from wtforms import ValidationError

from lms.core.errors import ErrorSchema, ValidationFailed

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
AUTH_RESPONSES = {401: "Not signed in, or the token is missing, revoked or wrong."}
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


class StrictParser(FlaskParser):
    """Every location refuses what its schema does not name (headers and cookies aside)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE, "querystring": ma.RAISE, "form": ma.RAISE, "files": ma.RAISE,
    }

    def load_files(self, req, schema):
        """A multipart body's files and text fields together, so that a stray field is refused too."""
        fields = MultiDict(req.files)
        for name, value in req.form.items(multi=True):
            fields.add(name, value)
        return MultiDictProxy(fields, schema)


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose documented refusals carry the error body actually sent."""

    ARGUMENTS_PARSER = StrictParser()

    def alt_response(self, status_code, response=None, *, schema=None, **kwargs):
        if response is None and schema is None and int(status_code) >= 400:
            schema = ErrorSchema
        return super().alt_response(status_code, response, schema=schema, **kwargs)


def api_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    from lms.extensions import csrf  # lms.extensions imports lms.core: bound here, at set-up

    blp = ApiBlueprint(name, import_name, url_prefix="/api/v1", description=description)
    csrf.exempt(blp)  # checked in ``authenticated`` for cookie sessions only
    return blp


class _Unauthorized(Unauthorized):
    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", 'Bearer realm="api"')]


def _refusal(description: str) -> dict:
    return {"schema": ErrorSchema, "description": description, "content_type": None}


def authenticated(view):
    """Require a signed-in user; cookie sessions must also send the CSRF token on writes.

    The operation's documentation gains its security schemes and its 401."""

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

    doc = deepcopy(getattr(view, "_apidoc", {}))
    doc["manual_doc"] = {**doc.get("manual_doc", {}), "security": SECURITY}
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    if 401 not in responses and "401" not in responses:
        responses[401] = [_refusal(AUTH_RESPONSES[401])]
    wrapped._apidoc = doc
    wrapped._lms_authenticated = True
    return wrapped


@contextmanager
def fields_named(names: dict[str, str]) -> Iterator[None]:
    """An operation's refusal names the fields as the API body does (``beneficiary_id`` of a
    form becomes ``beneficiary`` of a JSON body that sends a code)."""
    try:
        yield
    except ValidationFailed as error:
        error.errors = {names.get(key, key): value for key, value in error.errors.items()}
        raise
