"""What every JSON endpoint shares: authentication, CSRF for cookie sessions, blueprints, and
the rules that keep the OpenAPI document exact.

- An error's documented body is ``ErrorSchema``, the body ``lms.core.errors.json_error`` sends.
- An operation wrapped in ``authenticated`` declares the security schemes and its 401; one
  that is not declares no security at all (public operations: certificate verification,
  the course catalogue, registration).
- Unknown fields are refused (422) wherever input is read: JSON body, query string, form and
  multipart fields; an operation that takes no query string or no body refuses any field
  sent in one (``refuse_undeclared_input``), and documents that 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import wraps

import marshmallow as ma
from flask import current_app, g, request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import CSRFError, validate_csrf
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Unauthorized
from wtforms import ValidationError

from lms.core.errors import ErrorSchema, ValidationFailed
from lms.core.i18n import _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
AUTH_RESPONSES = {401: "Not signed in, or the token is missing, revoked or wrong."}
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
UNDECLARED = "A field the operation does not take (in the query string or the body); `errors` names it."
BODY_LOCATIONS = {"json", "form", "files", "json_or_form"}


class StrictParser(FlaskParser):
    """Every location refuses what its schema does not name (headers and cookies aside)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE, "querystring": ma.RAISE, "form": ma.RAISE, "files": ma.RAISE,
    }

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        """A body that is not JSON is bad input like any other: 422, naming the body."""
        raise ValidationFailed({"json": [_("Invalid JSON body.")]})

    def load_files(self, req, schema):
        """A multipart body's files and text fields together, so that a stray field is refused too."""
        fields = MultiDict(req.files)
        for name, value in req.form.items(multi=True):
            fields.add(name, value)
        return MultiDictProxy(fields, schema)


def _declared_locations(view) -> set[str]:
    """Where an operation reads input: its ``arguments`` and the parameters it documents by hand."""
    doc = getattr(view, "_apidoc", {})
    parameters = [*doc.get("arguments", {}).get("parameters", []),
                  *doc.get("manual_doc", {}).get("parameters", [])]
    return {parameter.get("in") for parameter in parameters}


def refuse_undeclared_input() -> None:
    """Before an API operation: a query string or body field it does not take is refused (422)."""
    view = current_app.view_functions.get(request.endpoint)
    if view is None:
        return
    declared = _declared_locations(view)
    unknown = [] if "query" in declared else list(request.args)
    if not declared & BODY_LOCATIONS and request.method not in SAFE_METHODS:
        body = request.get_json(silent=True) if request.is_json else None
        unknown += [*request.form, *request.files, *(body if isinstance(body, dict) else [])]
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in unknown})


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose documented refusals carry the error body actually sent."""

    ARGUMENTS_PARSER = StrictParser()

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        """Every operation may be sent a field it does not take: its 422 is documented."""
        if callable(obj) and not isinstance(obj, type):
            doc = deepcopy(getattr(obj, "_apidoc", {}))
            responses = doc.setdefault("response", {}).setdefault("responses", {})
            if "arguments" not in doc and 422 not in responses and "422" not in responses:
                responses[422] = [_refusal(UNDECLARED)]
                obj._apidoc = doc
        return super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)

    def alt_response(self, status_code, response=None, *, schema=None, **kwargs):
        if response is None and schema is None and int(status_code) >= 400:
            schema = ErrorSchema
        return super().alt_response(status_code, response, schema=schema, **kwargs)


def api_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    from lms.extensions import csrf  # lms.extensions imports lms.core: bound here, at set-up

    blp = ApiBlueprint(name, import_name, url_prefix="/api/v1", description=description)
    csrf.exempt(blp)  # checked in ``authenticated`` for cookie sessions only
    blp.before_request(refuse_undeclared_input)
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
