"""Test fixtures: a real database (SQLite, or PostgreSQL via LMS_TEST_DATABASE_URL) in which
each test runs inside one transaction rolled back at its end; a test client that sends a
genuine CSRF token; factories for users."""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.core.app_cache import STORE as APP_CACHES
from lms.core.data_version import DataVersion, initial_rows
from lms.extensions import db, limiter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Third-party data kept beside the project, never copied into it (LMS_SHARED_DIR moves it).
SHARED = Path(os.environ.get("LMS_SHARED_DIR") or ROOT.parent / "shared")
MOODLE_FIXTURES = SHARED / "fixtures" / "moodle"
# In CI a missing fixture folder is a broken checkout, not a reason to skip.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client(FlaskClient):
    """A test client that, like a browser, sends the CSRF token its pages carry."""

    _csrf: str | None = None

    def open(self, *args, **kwargs):
        # A fresh contextvars context: the request gets its own app context, g and database
        # session, as it would in production, even while the test holds an app context.
        # The test's own session commits around it so each side sees the other's writes
        # (a SQLite read transaction would otherwise keep its old snapshot).
        _end_test_transaction()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _end_test_transaction()
        return response

    def csrf_token(self) -> str:
        if self._csrf is None:
            page = self.get("/login").get_data(as_text=True)
            self._csrf = CSRF_RE.search(page).group(1)
        return self._csrf

    def form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def api(self, method: str, url: str, json=None, token: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif method.upper() not in {"GET", "HEAD"}:
            headers["X-CSRFToken"] = self.csrf_token()
        return self.open(url, method=method.upper(), json=json, headers=headers, **kwargs)


def build_app(tmp_root: Path, **overrides):
    """Another application (for tests that need their own settings or database).

    One Limiter object serves every app and create_app re-reads RATELIMIT_ENABLED into it,
    so it is switched off again here; the ``rate_limited`` fixture turns it on.
    """
    application = create_app(app_config(tmp_root, **overrides))
    application.test_client_class = Client
    limiter.enabled = False
    return application


def _end_test_transaction() -> None:
    if has_app_context():
        db.session.commit()


def _database_url(tmp_root: Path) -> str:
    return os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.sqlite3'}"


def app_config(tmp_root: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-used-anywhere-else",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_root),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "LMS_CONTENT_DIR": str(FIXTURES / "content"),
        "LMS_ARGON2_TIME_COST": 1,
        "LMS_ARGON2_MEMORY_KIB": 1024,
        # Initialised enabled, then switched off: the ``rate_limited`` fixture turns it on.
        "RATELIMIT_ENABLED": True,
        "LMS_MAIL_SERVER": "",
        "LMS_TASK_QUEUE": "immediate",
        "LMS_DEMO_ACCOUNTS": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


def _compile_catalogues() -> None:
    """Build any .mo file older than its .po (make test does it too; this covers plain pytest)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory) -> Path:
    _compile_catalogues()
    return tmp_path_factory.mktemp("lms")


@pytest.fixture(scope="session")
def app(tmp_root):
    os.environ["LMS_INSTANCE_PATH"] = str(tmp_root / "instance")
    application = build_app(tmp_root)
    with application.app_context():
        db.drop_all()
        db.create_all()  # tests only: the application itself always migrates
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def make_app(tmp_root, app):
    """Another application on the same database, with some settings changed."""
    made = []

    def factory(**overrides):
        other = build_app(tmp_root, **overrides)
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.engine.dispose()


def _wipe(application) -> None:
    """Empty every table (after a test that committed for real)."""
    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                quoted = ", ".join(f'"{name}"' for name in tables)
                connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    connection.execute(text(f'DELETE FROM "{name}"'))
            # Rows a new schema starts with (the migration's, the after_create listener's).
            connection.execute(insert(DataVersion.__table__), initial_rows())


@pytest.fixture(autouse=True)
def _rolled_back(request):
    """Run the test inside one transaction on one connection, rolled back at its end.

    Every session of every application on the test database (the test's own, each request's,
    each task's) joins that transaction through a SAVEPOINT, so their commits are real to
    each other and nothing outlives the test. Tests that need real commits on several
    connections (threads racing each other) are marked ``commits``: their tables are emptied
    afterwards instead.
    """
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    # What the application keeps (content per content hash, drawn fragments) was read from
    # another test's rows, which are gone: ids and content hashes recur from test to test.
    application.extensions.pop(APP_CACHES, None)
    if request.node.get_closest_marker("commits"):
        yield
        _wipe(application)
        return
    from flask_sqlalchemy.session import Session as FlaskSession
    from sqlalchemy.engine import Engine

    with application.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original_get_bind = FlaskSession.get_bind

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        chosen = original_get_bind(self, mapper=mapper, clause=clause, bind=bind, **kwargs)
        if isinstance(chosen, Engine) and chosen.url == engine.url:
            return connection
        return chosen

    options = db.session.session_factory.kw
    FlaskSession.get_bind = get_bind
    options["join_transaction_mode"] = "create_savepoint"
    try:
        yield
    finally:
        FlaskSession.get_bind = original_get_bind
        options.pop("join_transaction_mode", None)
        outer.rollback()
        connection.close()


@pytest.fixture
def rate_limited(app):
    """Rate limits on, with empty counters, for this test only."""
    limiter.reset()
    limiter.enabled = True
    yield
    limiter.reset()
    limiter.enabled = False


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port; its ``messages`` are what it received."""
    from tests.mailbox import start_smtp

    controller, inbox = start_smtp()
    yield inbox
    controller.stop()


@pytest.fixture
def deferred_tasks(app):
    """Tasks wait in the queue, as they would for a worker, instead of running at once.

    Yields the Huey instance: ``run_queued(huey)`` runs what is waiting."""
    from lms.core.tasks import queue_of

    huey = queue_of(app).huey
    huey.immediate = False
    yield huey
    huey.flush()
    huey.immediate = True


def run_queued(huey) -> int:
    """Run every task waiting in ``huey`` (as a worker would); return how many ran."""
    ran = 0
    while (queued := huey.dequeue()) is not None:
        huey.execute(queued)
        ran += 1
    return ran


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def session(ctx):
    return db.session


@pytest.fixture
def reference(session):
    from lms.accounts.models import Beneficiary
    from lms.accounts.operations import ensure_reference_data

    ensure_reference_data(session)
    session.commit()
    return {b.code: b for b in session.scalars(db.select(Beneficiary))}


@pytest.fixture
def make_user(session, reference):
    from lms.accounts.models import Institution, User, UserRole
    from lms.accounts.operations import hash_password

    counter = {"n": 0}

    def factory(roles=("trainee",), beneficiary="RS", email=None, language="en", scope=None,
                profession="prison_officer", gender=None, full_name=None, institution=True, **extra):
        counter["n"] += 1
        code = beneficiary
        beneficiary_row = reference[code] if code else None
        institution_row = None
        if institution and beneficiary_row is not None:
            institution_row = session.scalar(db.select(Institution).where(
                Institution.beneficiary_id == beneficiary_row.id).order_by(Institution.id))
        user = User(email=email or f"user{counter['n']}@example.org",
                    full_name=full_name or f"Test User {counter['n']}",
                    password_hash=hash_password(PASSWORD), beneficiary=beneficiary_row,
                    institution=institution_row, profession=profession, gender=gender,
                    language=language, manager_scope=scope,
                    role_rows=[UserRole(role=r) for r in roles], **extra)
        session.add(user)
        session.commit()
        return user

    return factory


def login(client: Client, user_or_email, password: str = PASSWORD, follow_redirects=False):
    email = getattr(user_or_email, "email", user_or_email)
    return client.form("/login", {"email": email, "password": password}, follow_redirects=follow_redirects)


@pytest.fixture
def imported(session, reference):
    """The test course content, imported."""
    from lms.courses.importer import import_content

    import_content(session, FIXTURES / "content")
    session.commit()
    from lms.courses.models import Course

    return {c.slug: c for c in session.scalars(db.select(Course))}


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the test content, to break in a test."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


SAVEPOINT_STATEMENT = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        # The savepoints through which each test's sessions share one transaction are not queries.
        if not SAVEPOINT_STATEMENT.match(statement):
            self.statements.append(statement)

    def __enter__(self):
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it (SQLite file, or a new PostgreSQL database)."""
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    url = make_url(base)
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- tutored groups (used by tutors, certificates and reports tests) ----------------

@pytest.fixture
def casework(imported):
    """The tutored test course with two case studies (tests/fixtures/content/tutored-casework)."""
    return imported["tutored-casework"]


@pytest.fixture
def regional_manager(make_user):
    return make_user(roles=("manager",), beneficiary="MK", scope="regional", full_name="Regional Manager")


@pytest.fixture
def make_cohort(session, reference, casework, make_user, regional_manager):
    from lms.tutors.operations import cohorts as ops

    counter = {"n": 0}

    def factory(*, course=None, beneficiary="RS", tutors=None, capacity=30, language="sr_Latn",
                is_open=True, allow_other_beneficiaries=False, starts_on=None, ends_on=None, name=None):
        counter["n"] += 1
        if tutors is None:
            tutors = [make_user(roles=("tutor",), beneficiary=beneficiary, full_name=f"Tutor {counter['n']}")]
        starts_on = starts_on or date.today() - timedelta(days=7)
        cohort = ops.create_cohort(session, regional_manager, ops.CohortFields(
            course_id=(course or casework).id, beneficiary_id=reference[beneficiary].id,
            name=name or f"Group {counter['n']}", language=language, starts_on=starts_on,
            ends_on=ends_on or starts_on + timedelta(weeks=10), capacity=capacity,
            tutor_ids=[t.id for t in tutors], is_open=is_open,
            allow_other_beneficiaries=allow_other_beneficiaries))
        session.commit()
        return cohort

    return factory


@pytest.fixture
def add_member(session, make_user):
    """Make a trainee (or use the one given) and admit them to the cohort as a key would."""
    from lms.tutors.operations import membership as ops

    def factory(cohort, user=None, **user_fields):
        user = user or make_user(beneficiary=cohort.beneficiary.code, **user_fields)
        membership, _changed = ops.join_with_key(session, user, cohort.enrolment_key)
        session.commit()
        return user, membership.enrolment

    return factory
