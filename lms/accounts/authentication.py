"""How a request is tied to a user: a session the server keeps (its key in the session and
remember-me cookies), or a personal API token (Flask-Login)."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_login import LoginManager, login_user
from werkzeug.exceptions import Unauthorized

from lms.accounts.models import User
from lms.accounts.operations import (
    note_session_seen,
    note_token_use,
    session_for_key,
    start_session,
    valid_api_token,
)
from lms.core.i18n import _l
from lms.extensions import db


def load_user(session_key: str) -> User | None:
    """The user of a session or remember-me cookie, while its session on the server lasts.

    One query by primary key (the session, its user and their roles), on every request;
    nothing written (the last-seen time goes through the task queue, now and then).
    """
    row = session_for_key(db.session, session_key)
    if row is None:
        return None
    g.user_session_id = row.id
    note_session_seen(row)
    return row.user


def sign_in_browser(user: User, *, remember: bool = False) -> None:
    """Sign this browser in as ``user`` (who has just proved who they are): a new session on
    the server, its key in the session cookie (and the remember-me cookie if asked)."""
    start_session(db.session, user, remember=remember, user_agent=request.user_agent.string,
                  ip_address=request.remote_addr or "")
    login_user(user, remember=remember)
    g.user_session_id = int(user.session_key.partition(".")[0])


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
