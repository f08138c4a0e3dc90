"""`lms setup` (what `make run` calls) on a fresh database, twice."""

from __future__ import annotations

import re
from pathlib import Path

from lms.accounts.models import Beneficiary, Institution, User
from lms.courses.models import Course, Lesson
from lms.extensions import db
from tests.conftest import FIXTURES, build_app


def _counts():
    return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (Beneficiary, Institution, User, Course, Lesson)}


def test_setup_prepares_everything_and_a_second_run_duplicates_nothing(tmp_root, tmp_path, empty_database_url):
    application = build_app(tmp_root, SQLALCHEMY_DATABASE_URI=empty_database_url)
    application.instance_path = str(tmp_path / "instance")
    runner = application.test_cli_runner()
    args = ["setup", "--content", str(FIXTURES / "content"), "--demo"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    with application.app_context():
        counts = _counts()
        demo_accounts = db.session.scalar(db.select(db.func.count(User.id)).where(User.email.like("%@demo.lms")))
        synthetic = db.session.scalar(db.select(db.func.count(User.id)).where(
            User.email.like("%@programme.example")))
    assert counts["Beneficiary"] == 6 and demo_accounts == 6 and synthetic > 300  # trainees and their tutors
    assert counts["Course"] == len(list((FIXTURES / "content").iterdir()))
    assert "created" in first.output
    # The certificate fonts' subsets are stored, so a fresh process does not cut them again.
    assert "Certificate fonts: 16 subset(s) ready." in first.output
    assert any((Path(application.config["LMS_CERTIFICATE_CACHE_DIR"]) / "fonts").iterdir())
    passwords = dict(re.findall(r"(\S+@demo\.lms)\s+(\S+)", first.output))
    assert len(passwords) == 6

    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "unchanged" in second.output and "0 row(s) added" in second.output
    assert dict(re.findall(r"(\S+@demo\.lms)\s+(\S+)", second.output)) == passwords
    with application.app_context():
        assert _counts() == counts
        db.engine.dispose()

    client = application.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": "trainee@demo.lms", "password": passwords["trainee@demo.lms"],
                                           "csrf_token": token})
    assert response.status_code == 302
    with application.app_context():
        db.engine.dispose()


def test_setup_refuses_broken_content_and_imports_nothing(tmp_root, tmp_path, empty_database_url, content_copy):
    (content_copy / "tutored-basics" / "only" / "first.md").unlink()
    application = build_app(tmp_root, SQLALCHEMY_DATABASE_URI=empty_database_url)
    application.instance_path = str(tmp_path / "instance")
    result = application.test_cli_runner().invoke(args=["setup", "--content", str(content_copy), "--no-demo"])
    assert result.exit_code != 0
    assert "first.md is missing" in result.output and "nothing imported" in result.output
    with application.app_context():
        assert db.session.scalar(db.select(db.func.count(Course.id))) == 0
        db.engine.dispose()
