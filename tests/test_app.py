"""The application as a whole: factory, configuration, health check, error pages."""

from __future__ import annotations

import json
import subprocess
import sys

from lms.config import load_config


def test_health_check_answers_json_without_touching_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert counter.count == 0


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql+psycopg://db.example/lms")
    monkeypatch.setenv("LMS_MAIL_PORT", "2525")
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.example/lms"
    assert config["LMS_MAIL_PORT"] == 2525
    assert not (tmp_path / "secret_key").exists()


def test_embedded_default_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    from sqlalchemy import text

    from lms.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_wsgi_module_only_builds_the_app(tmp_path):
    """Importing wsgi opens no app or request context that could outlive a request."""
    code = ("import wsgi, flask; "
            "print(flask.has_app_context(), flask.has_request_context(), type(wsgi.app).__name__)")
    env = {"LMS_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin", "LMS_LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd=str(__import__("pathlib").Path(__file__).parent.parent))
    assert result.stdout.strip() == "False False LmsFlask", result.stderr


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html


def test_unknown_api_path_answers_json_not_html(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["errors"]["_general"]


def test_unexpected_error_renders_500_page_in_layout(tmp_root, make_app):
    other = make_app()

    @other.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = other.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "kaboom" not in html


def test_openapi_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/courses" in document["paths"]
    assert "/api/v1/me/enrolments" in document["paths"]
    assert "bearerAuth" in document["components"]["securitySchemes"]
    json.dumps(document)


def test_create_app_accepts_a_config_mapping(tmp_root):
    from tests.conftest import build_app

    application = build_app(tmp_root, LMS_BASE_URL="https://help.example")
    assert application.config["LMS_BASE_URL"] == "https://help.example"


def test_an_id_too_large_for_the_database_is_not_found(client):
    assert client.get("/api/v1/enrolments/333200201048260264067072/progress").status_code == 404
    assert client.get("/courses/x/lessons/99999999999999999999999/done").status_code in (404, 405)


def test_a_number_too_large_in_a_body_is_refused_not_a_server_error(client, session, make_user, imported):
    from tests.conftest import login

    login(client, make_user(roles=("manager",), scope="regional"))
    response = client.api("POST", "/api/v1/cohorts", json={
        "course": "tutored-basics", "beneficiary": "RS", "name": "Big numbers", "language": "sr_Latn",
        "starts_on": "2026-11-21", "ends_on": "2027-01-30", "capacity": 20,
        "tutor_ids": [8750673045037318117072434102272]})
    assert response.status_code == 422 and response.is_json
    assert response.get_json()["errors"]
