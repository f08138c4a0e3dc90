"""Users, roles, beneficiaries, institutions, sign-in and personal API tokens."""

from __future__ import annotations

from flask import Flask, g, request


def init_app(app: Flask) -> None:
    from sqlalchemy.orm import joinedload

    from lms.accounts import api, views
    from lms.accounts.models import User
    from lms.accounts.operations import user_for_api_token
    from lms.accounts.reference import ADMIN, GENDERS, PROFESSIONS, ROLES
    from lms.core.i18n import _l
    from lms.core.web import register_nav
    from lms.extensions import api as rest_api
    from lms.extensions import db, login_manager

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    app.jinja_env.globals.update(role_names=ROLES, professions=PROFESSIONS, genders=GENDERS)
    register_nav(app, "accounts.admin_users", _l("Users"), lambda user: user.has_role(ADMIN), order=90)
    register_nav(app, "accounts.admin_mail", _l("E-mail"), lambda user: user.has_role(ADMIN), order=91)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, version = session_id.partition(".")
        if not user_id.isdigit():
            return None
        # One query: the user with their roles (Flask-Login loads it on every request).
        user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
        if user is None or not user.is_active or str(user.auth_version) != version:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not req.path.startswith("/api/") or not header.lower().startswith("bearer "):
            return None
        user = user_for_api_token(db.session, header[7:].strip())
        if user is not None:
            g.api_token_auth = True
            if db.session.dirty:
                db.session.commit()  # last_used_at, written at most every five minutes
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for
        from werkzeug.exceptions import Unauthorized

        if request.path.startswith("/api/"):
            raise Unauthorized()
        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
