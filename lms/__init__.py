"""HELP course platform: ``create_app`` builds the Flask application."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms.config import PROJECT_ROOT, load_config

# Features in dependency order: each one's init_app registers its blueprints, CLI
# commands and the hooks through which it plugs into the features it depends on.
FEATURES = ("accounts", "notifications", "courses", "glossary", "quizzes", "tutors", "meetings", "certificates",
            "forum", "announcements", "reminders", "reports", "surveys", "offline")


def create_app(config: dict | None = None) -> Flask:
    instance_path = os.environ.get("LMS_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    from lms.core.unit_of_work import LmsFlask

    app = LmsFlask(__name__, instance_path=instance_path)
    from lms.core.cookie_sessions import KeptCookieSessions

    app.session_interface = KeptCookieSessions()
    from lms.core.web import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    _configure_logging(app)

    if app.config["LMS_PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["LMS_PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from lms.core.i18n import (
        babel_locale_selector,
        babel_timezone_selector,
        init_language_chains,
        install_jinja_gettext,
    )
    from lms.extensions import api, babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    from lms.core.migrations import render_item

    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=render_item)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=babel_locale_selector, timezone_selector=babel_timezone_selector)
    install_jinja_gettext(app)
    init_language_chains(app)
    csrf.init_app(app)
    limiter.init_app(app)
    app.config.setdefault("API_SPEC_OPTIONS", _api_spec_options())
    api.init_app(app)

    from lms.core import (
        compression,
        data_version,
        errors,
        headers,
        input_gate,
        mail,
        static_files,
        tasks,
        web,
    )

    errors.register_error_handlers(app)
    headers.init_app(app)
    input_gate.init_app(app)
    web.init_app(app)
    static_files.init_app(app)
    compression.init_app(app)
    tasks.init_app(app)
    tasks.register(app, mail.deliver_mail, mail.send_due_mail)
    # The mail outbox and the audit log (which only ever accompanies another write) feed no statistic.
    data_version.not_statistical(app, mail.OutboxMail.__tablename__, "audit_entry")

    import importlib

    from lms.core.processes import serve_command, worker_command
    from lms.setup import setup_command

    app.cli.add_command(setup_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    for name in FEATURES:
        importlib.import_module(f"lms.{name}").init_app(app)
    return app


def _api_spec_options() -> dict:
    return {
        "info": {"description": "Courses, enrolments and progress of the HELP course platform. "
                                "Authenticate with a personal token (`Authorization: Bearer lms_…`) "
                                "or, from the browser, the session cookie plus an `X-CSRFToken` header."},
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
        }},
        # No document-wide security: ``lms.core.api.authenticated`` declares it per operation,
        # so that a public one (verification, the catalogue, registration) needs none.
    }


def _configure_logging(app: Flask) -> None:
    level = os.environ.get("LMS_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Embedded mode: enforce foreign keys, use WAL so readers never wait for a writer."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(conn, name):
    """pysqlite begins a transaction only before a write: a SAVEPOINT issued first would open
    one of its own, and its RELEASE would commit for good what a later rollback must undo."""
    import sqlite3

    raw = conn.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        raw.execute("BEGIN")
