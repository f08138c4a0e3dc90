"""Domain errors and the one place that turns errors into HTTP responses.

Operations raise these; the HTML and JSON doors render them: validation → 422 with
field messages, not allowed → 403 (404 where existence itself is private),
conflict → 409. Bad input never becomes a 500.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import Schema, fields
from sqlalchemy.exc import (
    DataError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.core.i18n import DATABASE_FAILED_KEY, _l
from lms.core.schema_messages import translate_leaves
from lms.core.unit_of_work import abandon

log = logging.getLogger(__name__)

GENERAL = "_general"


class DomainError(Exception):
    status = 400
    default_message = _l("The request could not be completed.")

    def __init__(self, message=None, *, errors: dict | None = None, payload: dict | None = None):
        self.message = message or self.default_message
        self.errors = errors or {GENERAL: [self.message]}
        self.payload = payload or {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    """Input was wrong; ``errors`` maps each field (or ``_general``) to messages."""

    status = 422
    default_message = _l("Some of the information given is not valid.")

    def __init__(self, errors: dict | str | None = None, *, field: str | None = None, payload=None):
        if isinstance(errors, str) or hasattr(errors, "format"):
            errors = {field or GENERAL: [errors]}
        first = next(iter(errors.values()))[0] if errors else None
        super().__init__(first, errors=errors, payload=payload)


class NotAllowed(DomainError):
    status = 403
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    default_message = _l("This page or resource does not exist.")


class Conflict(DomainError):
    """Someone else changed the record, or it already exists."""

    status = 409
    default_message = _l("This was changed by someone else in the meantime.")


class TooLarge(DomainError):
    status = 413
    default_message = _l("The file is too large.")


HTTP_MESSAGES = {
    400: _l("The request was not understood."),
    401: _l("Please sign in first."),
    403: _l("You are not allowed to do this."),
    404: _l("This page or resource does not exist."),
    405: _l("This method is not allowed here."),
    409: _l("This was changed by someone else in the meantime."),
    413: _l("The file or request is too large."),
    415: _l("This type of content is not accepted."),
    422: _l("Some of the information given is not valid."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. The error has been logged."),
    503: _l("The service is unavailable for a moment. Please try again in a few seconds."),
}
# Seconds a client is asked to wait when the database is unavailable.
RETRY_AFTER_SECONDS = 5


class ErrorSchema(Schema):
    """The body of every error the JSON API sends (``json_error``), whatever its status."""

    status = fields.Integer(required=True, metadata={"description": "The HTTP status, repeated."})
    errors = fields.Dict(
        keys=fields.String(), values=fields.Raw(), required=True,
        metadata={"description": "Messages by field name, in the reader's language: "
                                 "`{\"<field>\": [\"…\"]}`; `_general` for what concerns no one field. "
                                 "A field of a list or of a nested object holds its messages by position "
                                 "or by name."})
    version = fields.Integer(metadata={"description": "On 409 for a stale `version`: the record's current version."})
    current = fields.Dict(metadata={"description": "On 409 for a grade saved meanwhile: what was saved."})


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/badges/")


def _stringify(errors):
    """Lazy translations and other objects become text; numbers, booleans and null stay as they are."""
    if isinstance(errors, dict):
        return {str(key): _stringify(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [_stringify(item) for item in errors]
    if errors is None or isinstance(errors, bool | int | float):
        return errors
    return str(errors)


def json_error(status: int, errors: dict, **extra):
    body = {"errors": _stringify(errors), "status": status}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    return response


def _html_error(status: int, message):
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # the page itself failed (its layout asks for the user): the plain page
        log.exception("The error page failed; answering with the plain one")
        abandon_quietly()
        return _plain_page(status, message), status


def _plain_page(status: int, message) -> str:
    """An error page rendered without context processors: nothing loads the user (Flask-Login's
    ``current_user``), nothing reaches the database."""
    return current_app.jinja_env.get_template("errors/plain.html").render(status=status, message=message)


def abandon_quietly() -> None:
    """Give up the request's changes; when the database is gone even that may fail."""
    try:
        abandon()
    except Exception:
        log.warning("Rolling back after a database failure failed too", exc_info=True)
    from lms.extensions import db  # at call time: lms.extensions imports core modules

    try:
        db.session.remove()  # a fresh session (and connection) for whatever comes next
    except Exception:
        log.warning("Closing the session after a database failure failed", exc_info=True)


def handle_database_unavailable(error: Exception):
    """The database cannot be reached (stopped, restarting, connection cut): 503 with
    Retry-After, JSON on /api/, a plain page elsewhere; the language is chosen from the
    request (cookie, Accept-Language), never from the user's row. The connection pool
    reconnects by itself (``pool_pre_ping``, and a cut connection invalidates the pool)."""
    setattr(g, DATABASE_FAILED_KEY, True)
    log.error("Database unavailable on %s %s: %s", request.method, request.path, error)
    abandon_quietly()
    message = HTTP_MESSAGES[503]
    if wants_json():
        response = json_error(503, {GENERAL: [message]})
    else:
        response = current_app.response_class(_plain_page(503, message), status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_domain_error(error: DomainError):
    abandon()
    if wants_json():
        return json_error(error.status, error.errors, **_stringify(error.payload))
    return _html_error(error.status, error.message)


def _webargs_messages(error: HTTPException) -> dict | None:
    """webargs puts marshmallow messages per location in ``data``; flatten the locations."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if not messages:
        return None
    flat: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
    return flat or messages


def handle_http_exception(error: HTTPException):
    abandon()
    status = error.code or 500
    if isinstance(error, CSRFError):
        message = _l("This form has expired or did not come from this site. Reload the page and try again.")
    else:
        message = HTTP_MESSAGES.get(status, error.description)
    if wants_json():
        errors = _webargs_messages(error)
        errors = translate_leaves(errors) if errors else {GENERAL: [message]}
        response = json_error(status, errors)
        for header, value in (error.get_headers() or []):
            if header.lower() in {"retry-after", "allow", "www-authenticate"}:
                response.headers[header] = value
        return response
    return _html_error(status, message)


def handle_unexpected(error: Exception):
    abandon()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def handle_value_out_of_range(error: Exception):
    """A number or text the database cannot hold (an id of 30 digits, say) is bad input, not a bug."""
    abandon()
    log.info("Value out of range on %s %s: %s", request.method, request.path, error)
    message = _l("A value given is too large or not valid here.")
    if wants_json():
        return json_error(422, {GENERAL: [message]})
    return _html_error(422, message)


def handle_concurrent_change(error: Exception):
    """Someone changed the record between our read and our write (the version counter of
    ``version_id_col`` did not match), or a unique row was created by a concurrent request."""
    log.info("Concurrent change on %s %s: %s", request.method, request.path, error)
    return handle_domain_error(Conflict())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_concurrent_change)
    app.register_error_handler(IntegrityError, handle_concurrent_change)
    app.register_error_handler(OverflowError, handle_value_out_of_range)
    app.register_error_handler(DataError, handle_value_out_of_range)
    for unavailable in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.register_error_handler(unavailable, handle_database_unavailable)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
