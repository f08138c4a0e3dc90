"""Users, roles, beneficiaries, institutions, sign-in and personal API tokens."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported when the application is built: any module of this package imports the
    # package first, and these import the package's models.
    from lms.accounts import tasks, views
    from lms.accounts.api import administration, me, organisations
    from lms.accounts.authentication import init_login
    from lms.accounts.reference import ADMIN, GENDERS, PROFESSIONS, ROLES
    from lms.core.data_version import not_statistical
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav
    from lms.extensions import api as rest_api
    from lms.extensions import login_manager

    # Signed-in sessions and API tokens (when each was last used) feed no statistic.
    not_statistical(app, "user_session", "api_token")

    app.register_blueprint(views.bp)
    for door in (me, administration, organisations):
        rest_api.register_blueprint(door.blp)
    register(app, tasks.record_token_use, tasks.record_session_seen, tasks.purge_expired_sessions,
             tasks.tell_locked_out)
    app.jinja_env.globals.update(role_names=ROLES, professions=PROFESSIONS, genders=GENDERS)
    # i18n: menu entry (under "My account") opening the page of one's profile, password and sign-ins
    register_nav(app, "accounts.account", _l("Account settings"), lambda user: True, order=95, group="account")
    register_nav(app, "accounts.admin_users", _l("Users"), lambda user: user.has_role(ADMIN), order=90,
                 group="administration")
    register_nav(app, "accounts.admin_mail", _l("E-mail"), lambda user: user.has_role(ADMIN), order=91,
                 group="administration")
    init_login(login_manager)
