"""The platform's processes for real: `lms serve` (gunicorn + the task worker) and two app
servers that share only the database."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED
from tests.mailbox import free_port, start_smtp

LMS = [sys.executable, "-m", "lms"]
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _env(instance: Path, database_url: str, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    env.update({"LMS_INSTANCE_PATH": str(instance), "LMS_DATABASE_URL": database_url,
                "LMS_SECRET_KEY": "shared-secret-of-every-app-server", "LMS_LOG_LEVEL": "WARNING",
                "LMS_RATELIMIT_ENABLED": "false", "LMS_SHARED_DIR": str(SHARED), **extra})
    return env


def _setup(env: dict, content: Path) -> dict[str, str]:
    """``lms setup`` with the demo; return the demo accounts' passwords."""
    output = subprocess.run([*LMS, "setup", "--content", str(content), "--demo"], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"^\s+(\S+@demo\.lms)\s+(\S+)", output, flags=re.MULTILINE))


def _wait_ready(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if json.loads(urllib.request.urlopen(base + "/readyz", timeout=2).read())["status"] == "ok":
                return
        time.sleep(0.2)
    raise AssertionError(f"{base} never became ready")


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> bytes:
        return self.opener.open(self.base + path, timeout=10).read()

    def token(self) -> str:
        return CSRF_RE.search(self.get("/login").decode()).group(1)

    def form(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode({**data, "csrf_token": self.token()}).encode()
        return self.opener.open(self.base + path, data=body, timeout=30).read().decode()

    def api(self, path: str) -> dict | list:
        return json.loads(self.get(path))

    def upload(self, path: str, name: str, data: bytes) -> dict:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": self.token()})
        return json.loads(self.opener.open(request, timeout=30).read())


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def test_serve_runs_gunicorn_and_a_worker_and_ctrl_c_stops_both(tmp_path, sqlite_url):
    controller, inbox = start_smtp()
    port = free_port()
    env = _env(tmp_path / "instance", sqlite_url, LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=str(inbox.port))
    passwords = _setup(env, ROOT / "tests" / "fixtures" / "content")
    # A session of its own, so that a failed test can end gunicorn and the worker with it.
    server = subprocess.Popen([*LMS, "serve", "--port", str(port)], env=env, cwd=ROOT, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base)
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 2  # gunicorn's master and the worker
        assert "trainee@demo.lms" in passwords
        # A mail enqueued by a web process is sent by the worker, not by the request.
        Browser(base).form("/reset-password", {"email": "trainee@demo.lms"})
        inbox.wait_for(1, timeout=20)
        assert [m["To"] for m in inbox.messages] == ["trainee@demo.lms"]
        server.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert server.wait(timeout=30) == 0
        for pid in children:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # whatever of the group is left (nothing, when it passed)
        server.wait(timeout=30)
        controller.stop()


@contextlib.contextmanager
def _gunicorn(env: dict):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                                "lms:create_app()"], env=env, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_two_app_servers_sharing_only_the_database_serve_the_same_attachments(tmp_path, empty_database_url):
    """Each server has its own instance folder (its own disk); they share the database only."""
    database_url = empty_database_url
    first_env = _env(tmp_path / "server-a", database_url, LMS_TASK_QUEUE="immediate")
    second_env = _env(tmp_path / "server-b", database_url, LMS_TASK_QUEUE="immediate")
    # The demo trainee is a member of the demo tutored group of the real tutored course.
    passwords = _setup(first_env, ROOT / "content")
    with _gunicorn(first_env) as first, _gunicorn(second_env) as second:
        uploader = Browser(first)
        uploader.form("/login", {"email": "trainee@demo.lms", "password": passwords["trainee@demo.lms"]})
        assignments = uploader.api("/api/v1/courses/radicalisation-prevention/assignments")
        body = uploader.upload(f"/api/v1/assignments/{assignments[0]['id']}/attachments", "report.pdf", PDF)
        attachment = body["attachments"][0]
        reader = Browser(second)  # the same trainee, routed to the other server
        reader.form("/login", {"email": "trainee@demo.lms", "password": passwords["trainee@demo.lms"]})
        assert reader.get(f"/attachments/{attachment['id']}") == PDF
        assert not any((tmp_path / "server-b").rglob("*.pdf"))
