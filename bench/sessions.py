"""What the revocable session check costs per request, as a ratio to the stateless check it
replaced.

    python -m bench.sessions                                   # SQLite (a fresh instance)
    python -m bench.sessions --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms

Both ways of recognising the signed-in user run in the same process, on the same database,
alternately, through Flask's test client (no network, no server: what differs is the check
itself and its query):

- *server session* (what the platform does): the cookie carries ``<session id>.<secret>``;
  one query by primary key reads the session row with its user and their roles, and the
  secret's hash, the expiry, the user's ``auth_version`` and ``is_active`` are compared;
- *stateless* (what it did before): the signed cookie carries ``<user id>.<auth_version>``;
  one query by primary key reads the user with their roles. Nothing on the server to revoke.

Measured: the loader alone (a fresh database session each time, as a request has) and whole
requests of ``/api/v1/me`` (the smallest signed-in answer, where the check weighs most) and
``/dashboard`` (a page with the layout). The two run in alternating batches and are timed in
CPU time of the process (the machine's other work moves wall-clock time far more than the
difference measured); reported as medians per call and the median of the batches' ratios of
server session to stateless. Writes bench/results/sessions-*.json.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from pathlib import Path

from bench.common import save, scratch_postgres, table, temporary_instance

EMAIL = "bench.sessions@bench.lms"


def _app(database_url: str, instance: Path):
    os.environ["LMS_INSTANCE_PATH"] = str(instance)
    from lms import create_app
    from lms.extensions import limiter

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "LMS_MAIL_SERVER": "",
                      "LMS_DEMO_ACCOUNTS": False, "RATELIMIT_ENABLED": False, "LMS_TASK_QUEUE": "memory"})
    limiter.enabled = False
    for name in ("lms.mail", "alembic", "alembic.runtime.migration"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return app


def _stateless_loader(user_key: str):
    """The check before sessions were kept on the server (for comparison only)."""
    from sqlalchemy.orm import joinedload

    from lms.accounts.models import User
    from lms.extensions import db

    user_id, _, version = user_key.partition(".")
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
    if user is None or not user.is_active or str(user.auth_version) != version:
        return None
    user.session_key = user_key
    return user


def _paired(server, stateless, samples: int, rounds: int = 15) -> tuple[float, float, float]:
    """CPU seconds per call of each (median over rounds) and the median of the rounds' ratios.

    Each round runs a batch of one, then a batch of the other: the machine's other work
    falls on both alike, and CPU time (not wall-clock) leaves out waiting for a core.
    """
    for action in (server, stateless):
        for _ in range(max(5, samples // 10)):
            action()
    batch = max(1, samples // rounds)
    server_times, stateless_times, ratios = [], [], []
    for _ in range(rounds):
        measured = []
        for action in (server, stateless):
            started = time.process_time()
            for _ in range(batch):
                action()
            measured.append((time.process_time() - started) / batch)
        server_times.append(measured[0])
        stateless_times.append(measured[1])
        ratios.append(measured[0] / measured[1])
    return statistics.median(server_times), statistics.median(stateless_times), statistics.median(ratios)


def measure(database_url: str, samples: int) -> dict:
    from flask_migrate import upgrade

    from lms.accounts.authentication import load_user
    from lms.accounts.models import User, UserRole
    from lms.accounts.operations import ensure_reference_data, start_session
    from lms.extensions import db, login_manager

    with temporary_instance() as instance:
        app = _app(database_url, instance)
        with app.app_context():
            upgrade()
            ensure_reference_data(db.session)
            user = User(email=EMAIL, full_name="Bench Sessions", language="en",
                        role_rows=[UserRole(role="trainee")])
            db.session.add(user)
            db.session.flush()
            with app.test_request_context():
                session_key = start_session(db.session, user)
            stateless_key = f"{user.id}.{user.auth_version}"
            db.session.commit()
        server_loader = login_manager._user_callback

        def loader(check, key):
            def run():
                with app.test_request_context():
                    assert check(key) is not None
                    db.session.remove()
            return run

        clients = {}
        for name, key in (("server", session_key), ("stateless", stateless_key)):
            client = app.test_client()
            with client.session_transaction() as cookie:
                cookie["_user_id"] = key
                cookie["_fresh"] = True
            clients[name] = client

        def request(name, url):
            def run():
                login_manager._user_callback = server_loader if name == "server" else _stateless_loader
                response = clients[name].get(url)
                assert response.status_code == 200, (name, url, response.status_code)
                response.get_data()
            return run

        results: dict = {"database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
                         "samples": samples}
        pairs = {"loader": (loader(load_user, session_key), loader(_stateless_loader, stateless_key)),
                 "me": (request("server", "/api/v1/me"), request("stateless", "/api/v1/me")),
                 "dashboard": (request("server", "/dashboard"), request("stateless", "/dashboard"))}
        for label, (server, stateless) in pairs.items():
            (results[f"{label}_server"], results[f"{label}_stateless"],
             results[f"{label}_ratio"]) = _paired(server, stateless, samples)
        login_manager._user_callback = server_loader
        with app.app_context():
            db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to derive a scratch database from")
    parser.add_argument("--samples", type=int, default=600, help="calls of each, in 15 batches")
    args = parser.parse_args()
    if args.database_url:
        with scratch_postgres(args.database_url) as url:
            results = measure(url, args.samples)
    else:
        with temporary_instance() as folder:
            results = measure(f"sqlite:///{folder / 'bench.sqlite3'}", args.samples)
    rows = [["loader alone", f"{results['loader_server'] * 1e6:.0f} µs",
             f"{results['loader_stateless'] * 1e6:.0f} µs", f"{results['loader_ratio']:.2f}"],
            ["GET /api/v1/me", f"{results['me_server'] * 1e3:.2f} ms",
             f"{results['me_stateless'] * 1e3:.2f} ms", f"{results['me_ratio']:.2f}"],
            ["GET /dashboard", f"{results['dashboard_server'] * 1e3:.2f} ms",
             f"{results['dashboard_stateless'] * 1e3:.2f} ms", f"{results['dashboard_ratio']:.2f}"]]
    print(f"Session check on {results['database']} (CPU time per call, {results['samples']} calls each)")
    print(table(rows, ["", "server session", "stateless", "ratio"]))
    print(f"Saved to {save('sessions-' + results['database'], results)}")


if __name__ == "__main__":
    main()
