"""Every schema change is an Alembic revision: migrating an empty database gives the models."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db
from tests.conftest import app_config


@pytest.fixture
def empty_database_url(tmp_path):
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


def test_migrations_produce_exactly_the_models(tmp_root, empty_database_url):
    from flask_migrate import upgrade

    application = create_app(app_config(tmp_root, SQLALCHEMY_DATABASE_URI=empty_database_url))
    with application.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
