"""Every schema change is an Alembic revision: migrating an empty database gives the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.extensions import db
from tests.conftest import build_app


def test_migrations_produce_exactly_the_models(tmp_root, empty_database_url):
    from flask_migrate import upgrade

    application = build_app(tmp_root, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with application.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
