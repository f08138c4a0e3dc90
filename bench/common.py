"""Shared helpers for benchmarks: a throw-away instance, gunicorn, sign-in, wrk, reporting."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRKJSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(instance: Path, database_url: str | None) -> dict:
    env = dict(os.environ)
    env.update({
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_SECRET_KEY": "benchmark-only-secret",
        "LMS_LOG_LEVEL": "WARNING",
        "LMS_RATELIMIT_ENABLED": "false",
        "LMS_DEMO_ACCOUNTS": "true",
    })
    if database_url:
        env["LMS_DATABASE_URL"] = database_url
    else:
        env.pop("LMS_DATABASE_URL", None)
    return env


@contextlib.contextmanager
def temporary_instance():
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def lms(args: list[str], env: dict) -> str:
    result = subprocess.run([str(BIN / "lms"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"lms {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def scratch_postgres(url: str):
    """A new, empty PostgreSQL database beside ``url``'s, dropped on the way out; yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database or 'lms'}_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 2, app: str = "wsgi:app", ready: str = "/healthz"):
    """Serve ``app`` on a free local port; every benchmark uses these same flags."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         app], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300     # a loaded machine imports the application slowly
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + ready, timeout=5).read()
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Every request of a benchmark's browser, and wrk's requests in its name, carry this one user
# agent. The session cookie is bound to the browser that signed in (Flask-Login's session
# protection hashes the address and the user agent): requests from another user agent get
# the session marked "not fresh" and signed anew on every response, work a returning
# browser never causes.
USER_AGENT = "lms-bench/1"


class Browser:
    """A minimal cookie-keeping client that posts forms with their CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=10).read().decode()

    def post_form(self, path: str, data: dict, token_page: str = "/login") -> str:
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', self.get(token_page)).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        return self.opener.open(self.base + path, data=body, timeout=10).read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def headers(self) -> dict:
        """What another client (wrk) sends to be this browser: its cookies and its user agent."""
        return {"Cookie": self.cookie_header(), "User-Agent": USER_AGENT}


def wrk(url: str, *, seconds: int, connections: int, threads: int = 2, headers: dict | None = None,
        timeout: int | None = None) -> dict:
    """``timeout`` (s): wrk's own is 2 s, and slower responses count as errors without a latency."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian's package)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", script.name]
    if timeout:
        command += ["--timeout", f"{timeout}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line[len("WRKJSON "):])


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def table(rows: list[list], headers: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)  # noqa: E731
                                    for i, (c, w) in enumerate(zip(cells, widths, strict=False)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])
