"""The time a password-reset request spends on e-mail: sent inside the request vs queued.

    python -m bench.mail_request                       # SQLite, in a temporary folder
    python -m bench.mail_request --latency-ms 60       # a slower mail server
    python -m bench.mail_request --samples 100 --silent-samples 2

The same application is run twice against a local SMTP server that answers every command
after ``--latency-ms`` (a mail server across a network, with its greeting, EHLO, MAIL, RCPT,
DATA and QUIT round trips):

- **in the request** — the task queue in ``immediate`` mode, which delivers the mail while
  the request is being answered: the shape of the first round, where the view called SMTP;
- **queued** — the production shape: the request writes the outbox row and enqueues the
  delivery task; the worker sends it later.

Each is timed for ``POST /reset-password`` of an existing account, interleaved with
``GET /healthz`` as the baseline, first with the mail server answering, then with a server
that accepts the connection and never answers (a hung SMTP server: the request waits for
``LMS_MAIL_TIMEOUT``, 10 s by default, before the mail is given up to a retry). Prints the
median and 95th percentile of each and their ratio to ``/healthz``, and writes the figures
to bench/results/.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socketserver
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.common import save, table

EMAIL = "bench@example.org"


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib, every reply after the server's latency; or silence."""

    def reply(self, line: str) -> None:
        time.sleep(self.server.latency)
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        if self.server.silent:
            self.server.hung.wait()  # accept the connection, never greet
            return
        self.reply("220 bench ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 bench")
            elif command == "DATA":
                self.reply("354 go on")
                while self.rfile.readline() not in (b".\r\n", b".\n", b""):
                    pass
                self.server.received += 1
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, latency_ms: float, silent: bool = False):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.latency = latency_ms / 1000
        self.silent = silent
        self.hung = threading.Event()
        self.received = 0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def close(self) -> None:
        self.hung.set()
        self.shutdown()
        self.server_close()


def make_app(folder: Path, queue: str, smtp_port: int, timeout: int):
    os.environ["LMS_INSTANCE_PATH"] = str(folder / "instance")
    os.environ.setdefault("LMS_LOG_LEVEL", "ERROR")
    from lms import create_app
    from lms.extensions import limiter

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}", "SECRET_KEY": "benchmark-only",
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "LMS_DEMO_ACCOUNTS": False,
        "LMS_TASK_QUEUE": queue, "LMS_TASK_QUEUE_FILE": str(folder / f"tasks-{queue}.sqlite3"),
        "LMS_MAIL_SERVER": "127.0.0.1", "LMS_MAIL_PORT": smtp_port, "LMS_MAIL_TIMEOUT": timeout,
        "LMS_ARGON2_TIME_COST": 1, "LMS_ARGON2_MEMORY_KIB": 1024})
    limiter.enabled = False
    return app


def prepare(folder: Path) -> None:
    """Migrate a fresh SQLite database and create the one account the requests name."""
    app = make_app(folder, "immediate", 1, 1)
    with app.app_context():
        from flask_migrate import upgrade

        from lms.accounts.models import User, UserRole
        from lms.accounts.operations import ensure_reference_data, hash_password
        from lms.extensions import db

        upgrade()
        ensure_reference_data(db.session)
        db.session.add(User(email=EMAIL, full_name="Bench Trainee", password_hash=hash_password("x" * 12),
                            language="en", role_rows=[UserRole(role="trainee")]))
        db.session.commit()
        db.engine.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(app, samples: int) -> dict:
    client = app.test_client()
    reset_ms, health_ms = [], []
    for _ in range(samples):
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        health_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = client.post("/reset-password", data={"email": EMAIL})
        reset_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
    return {"reset_median_ms": round(statistics.median(reset_ms), 2),
            "reset_p95_ms": round(percentile(reset_ms, 0.95), 2),
            "healthz_median_ms": round(statistics.median(health_ms), 2),
            "ratio": round(statistics.median(reset_ms) / statistics.median(health_ms), 1)}


def run(latency_ms: float, samples: int, silent_samples: int, timeout: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-mail-"))
    results: dict = {"benchmark": "mail_request", "latency_ms": latency_ms, "mail_timeout_s": timeout}
    try:
        prepare(folder)
        for scenario, silent, count in (("smtp answering", False, samples),
                                        ("smtp hung", True, silent_samples)):
            server = SmtpServer(latency_ms, silent=silent)
            try:
                for label, queue in (("in the request", "immediate"), ("queued", "sqlite")):
                    app = make_app(folder, queue, server.port, timeout)
                    measure(app, 2)  # warm-up
                    results[f"{scenario} / {label}"] = measure(app, count)
                    with app.app_context():
                        from lms.extensions import db

                        db.engine.dispose()
                results[f"{scenario} / mails received"] = server.received
            finally:
                server.close()
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(results: dict) -> None:
    rows = []
    for key, value in results.items():
        if isinstance(value, dict):
            rows.append([key, value["reset_median_ms"], value["reset_p95_ms"], value["healthz_median_ms"],
                         value["ratio"]])
    print(f"\nPOST /reset-password, mail server answering each command after {results['latency_ms']} ms "
          f"(hung: LMS_MAIL_TIMEOUT={results['mail_timeout_s']} s)")
    print(table(rows, ["scenario / where the mail is sent", "median ms", "p95 ms", "healthz ms",
                       "× healthz"]))
    print(f"\nWritten to {save('mail_request', results)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=30, help="the SMTP server's delay per reply")
    parser.add_argument("--samples", type=int, default=50, help="requests timed with the server answering")
    parser.add_argument("--silent-samples", type=int, default=3, help="requests timed with the server hung")
    parser.add_argument("--timeout", type=int, default=10, help="LMS_MAIL_TIMEOUT in seconds")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        report(run(args.latency_ms, args.samples, args.silent_samples, args.timeout))


if __name__ == "__main__":
    main()
