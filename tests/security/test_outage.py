"""With the database gone every database-backed request answers 503 with Retry-After (JSON on
/api/, a plain page elsewhere, in the language of the request, not of the user's row), and
the next request after the database is back succeeds without restarting the app."""

from __future__ import annotations

import contextlib
import os
import socket
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms.accounts.models import User, UserRole
from lms.accounts.operations import ensure_reference_data, hash_password
from lms.extensions import db
from tests.conftest import PASSWORD, login

POSTGRES = (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql")


def _assert_unavailable(client) -> None:
    api = client.get("/api/v1/me")
    assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
    assert api.get_json()["status"] == 503 and api.get_json()["errors"]["_general"]
    page = client.get("/dashboard", headers={"Accept-Language": "mk"})
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert page.mimetype == "text/html" and '<html lang="mk">' in page.get_data(as_text=True)


def _signed_in_client(application, email="outage@example.org"):
    with application.app_context():
        ensure_reference_data(db.session)
        db.session.add(User(email=email, full_name="Outage Test", password_hash=hash_password(PASSWORD),
                            language="sq", role_rows=[UserRole(role="trainee")]))
        db.session.commit()
    client = application.test_client()
    assert login(client, email).status_code == 302
    assert client.get("/api/v1/me").status_code == 200
    return client


@pytest.mark.skipif(POSTGRES, reason="the SQLite file of embedded mode")
def test_sqlite_file_gone_answers_503_then_recovers(make_app, tmp_path):
    path = tmp_path / "outage.sqlite3"
    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with application.app_context():
        db.create_all()  # tests only
    client = _signed_in_client(application)
    with application.app_context():
        db.engine.dispose()
    path.rename(tmp_path / "moved.sqlite3")
    path.mkdir()  # the database file cannot be opened any more
    _assert_unavailable(client)
    path.rmdir()
    (tmp_path / "moved.sqlite3").rename(path)
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/dashboard").status_code == 200


class _Proxy:
    """A TCP relay in front of PostgreSQL that can be stopped (every connection cut, new ones
    refused) and started again on the same port: the database as the app sees it."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self.links: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.start()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(self.target)
            self.links += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source, target) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        self.listener.close()
        for sock in self.links:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        self.links = []


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (LMS_TEST_DATABASE_URL)")
@pytest.mark.commits
def test_postgresql_stopped_answers_503_then_recovers(make_app):
    url = make_url(os.environ["LMS_TEST_DATABASE_URL"])
    proxy = _Proxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        application = make_app(SQLALCHEMY_DATABASE_URI=through_proxy, SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": True, "connect_args": {"connect_timeout": 2}})
        client = _signed_in_client(application)
        proxy.stop()
        _assert_unavailable(client)
        proxy.start()
        assert client.get("/api/v1/me").status_code == 200
        assert client.get("/dashboard").status_code == 200
    finally:
        proxy.stop()


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (LMS_TEST_DATABASE_URL)")
@pytest.mark.commits
def test_postgresql_connections_killed_mid_flight_are_replaced(make_app):
    """pg_terminate_backend of the app's connections from a second connection: the app answers
    503 for the request that was using one (pre-ping off, so the query itself meets the dead
    connection), and the next request gets a new connection."""
    url = os.environ["LMS_TEST_DATABASE_URL"]
    application = make_app(SQLALCHEMY_ENGINE_OPTIONS={
        "pool_pre_ping": False, "connect_args": {"application_name": "lms-outage-test"}})
    client = _signed_in_client(application, email="killed@example.org")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            killed = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'lms-outage-test'")).scalar()
        assert killed >= 1
        answer = client.get("/api/v1/me")
        assert answer.status_code == 503 and answer.headers["Retry-After"].isdigit()
        assert client.get("/api/v1/me").status_code == 200
    finally:
        admin.dispose()
