"""How a request is tied to a user: the session cookie, or a personal API token (Flask-Login)."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_login import LoginManager
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import Unauthorized

from lms.accounts.models import User
from lms.accounts.operations import note_token_use, valid_api_token
from lms.core.i18n import _l
from lms.extensions import db


def load_user(session_id: str) -> User | None:
    """The user of a session cookie, unless their password changed or they were deactivated since."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit():
        return None
    # One query: the user with their roles (Flask-Login loads it on every request).
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
    if user is None or not user.is_active or str(user.auth_version) != version:
        return None
    return user


def load_user_from_token(req) -> User | None:
    """The owner of the ``Authorization: Bearer …`` token of an API request. Nothing is written:
    when the token was last used is recorded by a task."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.lower().startswith("bearer "):
        return None
    token = valid_api_token(db.session, header[7:].strip())
    if token is None:
        return None
    note_token_use(token)
    g.api_token_auth = True
    return token.user


def init_login(login_manager: LoginManager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_token)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            raise Unauthorized()
        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
