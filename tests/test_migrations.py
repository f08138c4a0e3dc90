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


def test_attachments_on_disk_move_into_the_database(tmp_root, tmp_path, empty_database_url, monkeypatch):
    """Revision 0008: files of one server's upload folder become rows every server reads."""
    from flask_migrate import upgrade
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from lms.courses.models import Enrolment
    from lms.tutors.models import Assignment, Submission

    uploads = tmp_path / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "abcdef").write_bytes(b"%PDF-1.4 the report")
    monkeypatch.setenv("LMS_UPLOAD_DIR", str(uploads))
    application = build_app(tmp_root, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with application.app_context():
        upgrade(revision="0007_mail_outbox")
        with Session(db.engine) as session:  # tables 0008 does not touch, written with today's models
            # (course and module by hand: later revisions add columns to them)
            session.execute(text(
                "INSERT INTO course (id, slug, version, format, default_language, languages, hours, pass_mark, "
                "title, summary, completion_rules, content_hash, imported_at, module_count, lesson_count) "
                "VALUES (1, 'c', 1, 'tutored', 'en', '[\"en\"]', 1, 50, '{\"en\": \"C\"}', '{}', '{}', 'h', "
                "CURRENT_TIMESTAMP, 1, 0)"))
            session.execute(text(
                "INSERT INTO module (id, course_id, slug, position, title, summary, is_retired) "
                "VALUES (1, 1, 'm', 1, '{\"en\": \"M\"}', '{}', false)"))
            # The user as its table stood then (the model has columns added since).
            session.execute(text(
                'INSERT INTO "user" (id, email, full_name, password_hash, language, is_active, auth_version, '
                "created_at) VALUES (1, 'a@example.org', 'A', 'x', 'en', true, 1, CURRENT_TIMESTAMP)"))
            enrolment = Enrolment(user_id=1, course_id=1)
            assignment = Assignment(course_id=1, module_id=1, slug="a", title={}, scenario={},
                                    scenario_html={}, rubric={}, max_points=4, content_hash="h")
            session.add_all([enrolment, assignment])
            session.flush()
            submission = Submission(assignment_id=assignment.id, enrolment_id=enrolment.id)
            session.add(submission)
            session.flush()
            for number, stored_name in enumerate(("abcdef", "ab0000"), start=1):
                session.execute(text(
                    "INSERT INTO attachment (id, submission_id, original_name, stored_name, file_type, "
                    "content_type, size, uploaded_at) VALUES (:id, :submission, 'report.pdf', :stored, 'pdf', "
                    "'application/pdf', 19, CURRENT_TIMESTAMP)"),
                    {"id": number, "submission": submission.id, "stored": stored_name})
            session.commit()
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT attachment_id, data FROM attachment_content")).all()
            kept = connection.execute(text("SELECT count(*) FROM attachment")).scalar()
        db.engine.dispose()
    # The file found is in the database; the one missing on disk keeps its row, without content.
    assert [(row[0], bytes(row[1])) for row in rows] == [(1, b"%PDF-1.4 the report")]
    assert kept == 2
