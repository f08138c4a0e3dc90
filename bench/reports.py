"""Programme statistics at programme scale: the overview, a two-dimension pivot and the full
per-trainee CSV export, each against a bare ``SELECT count(*) FROM enrolment`` in the same run.

    python -m bench.reports --trainees 100000 [--database-url postgresql+psycopg://…] [--seed 1]
    python -m bench.reports --no-sqlite --database-url postgresql+psycopg://…   # PostgreSQL alone
    python -m bench.reports --no-sqlite --pages-only --database-url …/lms_bench   # an existing programme, pages only
    python -m bench.reports --no-sqlite --pages-only --vacuum --database-url …     # its fact tables vacuumed first

The overview is measured three times: each view right after a commit that bumps the data version
(computed, as the first view after any write: its charts, whose figures that write did not
change, are drawn as before), the same with the charts drawn again (as after a write that
changed their figures), and repeated with nothing written (kept by the statistics cache,
``lms.reports.figure_cache``).

The synthetic programme (``lms demo generate``: 100,000 trainees give 2,000 groups and
about three million progress events) is generated once per database: the SQLite file is
kept in bench/results/ and reused; a PostgreSQL database is used as it is if it already
holds the same programme (it is then not generated again), and must otherwise be empty.
``--vacuum`` first runs ``VACUUM (ANALYZE)`` on the statistics' fact tables, as autovacuum does on
a live server (a server run with autovacuum off, or a programme just written by COPY, has no
visibility map yet, and every index-only scan then reads the heap too). Without ``--database-url`` only
SQLite is measured; with it, both.

The programme is written with COPY (PostgreSQL) or executemany (SQLite), past the ORM, and
the statistics' fact rows are then derived in one statement (``lms.reports.fact_rows``).
Pages are requested through the application (routing, sign-in, aggregate queries, charts,
templates) as a regional manager sees them: every beneficiary. The export is read as it
streams, in a subprocess whose peak RSS (getrusage) is compared with its RSS just before.
Prints a table; writes bench/results/reports-*.json. Timings are not asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.common import RESULTS, save, table

ROOT = Path(__file__).resolve().parent.parent
MANAGER_EMAIL = "bench.manager@bench.lms"
OVERVIEW = "/reports"
PIVOT = "/reports/pivot?measure=completion_rate&rows=beneficiary&columns=quarter"
PIVOT_API = "/api/v1/reports/pivot?measure=median_final_score&rows=institution&columns=year"
EXPORT = "/reports/export/trainees.csv"
EXPORT_XLSX = "/reports/export/trainees.xlsx"


def _app(database_url: str, instance: Path):
    os.environ["LMS_INSTANCE_PATH"] = str(instance)
    from lms import create_app
    from lms.extensions import limiter

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": {},
                      "SECRET_KEY": "bench", "LMS_MAIL_SERVER": "", "LMS_DEMO_ACCOUNTS": False,
                      "RATELIMIT_ENABLED": False})
    limiter.enabled = False
    for name in ("lms.mail", "alembic", "alembic.runtime.migration"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return app


def prepare(database_url: str, instance: Path, trainees: int, seed: int, vacuum: bool = False) -> dict:
    """Migrate, import the courses and generate the programme unless it is there already."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from lms.accounts.models import User, UserRole
    from lms.accounts.operations import ensure_reference_data, start_session
    from lms.courses.importer import import_content
    from lms.courses.models import Enrolment, ProgressEvent
    from lms.extensions import db
    from lms.reports.synthetic import DOMAIN, generate

    app = _app(database_url, instance)
    with app.app_context():
        upgrade()
        session = db.session
        found = session.scalar(select(func.count(User.id)).where(User.email.like(f"trainee%@{DOMAIN}")))
        generated = None
        if found and found != trainees:
            raise SystemExit(f"{database_url} holds a programme of {found:,} trainees, not {trainees:,}: "
                             "use an empty database.")
        if not found:
            ensure_reference_data(session)
            import_content(session, ROOT / "content")
            session.commit()
            summary = generate(session, trainees=trainees, seed=seed, until=date.today())
            session.commit()
            generated = summary.seconds
            if session.get_bind().dialect.name == "postgresql":
                session.execute(db.text("ANALYZE"))
                session.commit()
        if vacuum and session.get_bind().dialect.name == "postgresql":
            # What autovacuum does on a live server: the statistics' tables' visibility map set,
            # so that index-only scans (the median turnaround, the trend's completions) read no heap.
            session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM (ANALYZE) enrolment_fact, review_fact")
        manager = session.scalar(select(User).where(User.email == MANAGER_EMAIL))
        if manager is None:
            manager = User(email=MANAGER_EMAIL, full_name="Bench Manager", language="en", manager_scope="regional",
                           role_rows=[UserRole(role="manager")])
            session.add(manager)
            session.commit()
        with app.test_request_context():  # a session on the server, as a sign-in opens
            session_key = start_session(session, manager)
            session.commit()
        facts = {
            "enrolments": session.scalar(select(func.count(Enrolment.id))),
            "progress_events": session.scalar(select(func.count(ProgressEvent.id))),
            "generated_seconds": generated,
            "manager_session_id": session_key,
        }
        db.engine.dispose()
    return facts


def _median_ms(action, samples: int) -> float:
    action()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure_pages(database_url: str, instance: Path, session_id: str, samples: int) -> dict:
    from sqlalchemy import text

    from lms.core.data_version import note_change
    from lms.extensions import db
    from lms.reports import charts

    app = _app(database_url, instance)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = session_id
        cookie["_fresh"] = True

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            response.get_data()
        return run

    with app.app_context():
        engine = db.engine

        def count():
            with engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM enrolment")).scalar()

        def bump_then(action):
            # A write every view follows: the version changes, the overview is computed again.
            def run():
                with app.app_context():
                    note_change(db.session)
                    db.session.commit()
                action()
            return run

        def redrawn(action):
            # As after a write that changed the charts' figures (an enrolment, a completion).
            def run():
                charts._svg.cache_clear()
                action()
            return run

        results = {
            "count_ms": _median_ms(count, samples * 2),
            "overview_cold_ms": _median_ms(bump_then(get(OVERVIEW)), samples),
            "overview_drawn_ms": _median_ms(redrawn(bump_then(get(OVERVIEW))), samples),
            "overview_ms": _median_ms(get(OVERVIEW), samples),
            "pivot_ms": _median_ms(get(PIVOT), samples),
            "pivot_api_ms": _median_ms(get(PIVOT_API), samples),
        }
        engine.dispose()
    return results


def export_child(database_url: str, instance: Path, session_id: str, url: str) -> None:
    """In a subprocess: stream one export, report time, rows and memory as JSON."""
    app = _app(database_url, instance)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = session_id
        cookie["_fresh"] = True
    client.get("/reports/export/headline.csv").get_data()          # warm up imports and the pool

    def rss_kib() -> int:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    before = rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    assert response.status_code == 200, response.status_code
    size = lines = chunks = 0
    first_byte = None
    highest = before
    for chunk in response.response:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
        chunks += 1
        if chunks % 10 == 0:
            highest = max(highest, rss_kib())
    response.close()
    elapsed = time.perf_counter() - started
    highest = max(highest, rss_kib())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "first_byte_seconds": first_byte, "bytes": size, "lines": lines,
                      "chunks": chunks, "rss_before_mib": before / 1024, "rss_max_during_mib": highest / 1024,
                      "peak_rss_before_mib": peak_before / 1024, "peak_rss_mib": peak / 1024}))


def measure_export(database_url: str, instance: Path, session_id: str, url: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--child-export", url, "--database-url", database_url,
         "--instance", str(instance), "--session-id", session_id],
        cwd=ROOT, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise SystemExit(f"export failed:\n{output.stdout}\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def run_database(label: str, database_url: str, instance: Path, trainees: int, seed: int, samples: int,
                 pages_only: bool = False, vacuum: bool = False) -> dict:
    facts = prepare(database_url, instance, trainees, seed, vacuum)
    pages = measure_pages(database_url, instance, facts["manager_session_id"], samples)
    rows = facts["enrolments"]
    if pages_only:
        return {"database": label, **{k: v for k, v in facts.items() if k != "manager_session_id"}, **pages}
    export = measure_export(database_url, instance, facts["manager_session_id"], EXPORT)
    xlsx = measure_export(database_url, instance, facts["manager_session_id"], EXPORT_XLSX)
    return {"database": label, **{k: v for k, v in facts.items() if k != "manager_session_id"}, **pages,
            "export_csv": export, "export_xlsx": xlsx,
            "export_rows_per_second": rows / export["seconds"],
            "export_csv_ms": export["seconds"] * 1000, "export_xlsx_ms": xlsx["seconds"] * 1000}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (or another) database, measured after SQLite")
    parser.add_argument("--samples", type=int, default=7, help="requests per page for the median")
    parser.add_argument("--no-sqlite", action="store_true", help="measure only the --database-url database")
    parser.add_argument("--pages-only", action="store_true", help="the pages alone, not the exports")
    parser.add_argument("--vacuum", action="store_true",
                        help="PostgreSQL: VACUUM (ANALYZE) the fact tables first, as autovacuum would on a live server")
    parser.add_argument("--child-export", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--instance", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--session-id", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_export:
        export_child(args.database_url, Path(args.instance), args.session_id, args.child_export)
        return 0

    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    instance = RESULTS / f"reports-instance-{args.trainees}-seed{args.seed}"
    instance.mkdir(parents=True, exist_ok=True)
    sqlite_url = f"sqlite:///{instance / 'programme.sqlite3'}"
    if args.no_sqlite and not args.database_url:
        parser.error("--no-sqlite needs --database-url")
    runs = [] if args.no_sqlite else [run_database("SQLite", sqlite_url, instance, args.trainees, args.seed,
                                                   args.samples, args.pages_only)]
    if args.database_url:
        name = "PostgreSQL" if args.database_url.startswith("postgresql") else args.database_url.split(":")[0]
        runs.append(run_database(name, args.database_url, instance, args.trainees, args.seed, args.samples,
                                 args.pages_only, args.vacuum))

    rows = []
    for run in runs:
        base = run["count_ms"]
        rows += [
            [run["database"], "SELECT count(*) FROM enrolment (baseline)", f"{base:.1f} ms", "1.0×", ""],
            [run["database"], "overview page, after a write (computed)", f"{run['overview_cold_ms']:.0f} ms",
             f"{run['overview_cold_ms'] / base:.0f}×", "each view follows a commit that bumps the data version"],
            [run["database"], "overview page, after a write, charts drawn again",
             f"{run['overview_drawn_ms']:.0f} ms", f"{run['overview_drawn_ms'] / base:.0f}×",
             "as after a write that changed the charts' figures"],
            [run["database"], "overview page, repeated (kept)", f"{run['overview_ms']:.1f} ms",
             f"{run['overview_ms'] / base:.1f}×", "nothing written since the last view"],
            [run["database"], "pivot page, beneficiary × quarter", f"{run['pivot_ms']:.0f} ms",
             f"{run['pivot_ms'] / base:.0f}×", ""],
            [run["database"], "pivot API, institution × year, median score", f"{run['pivot_api_ms']:.0f} ms",
             f"{run['pivot_api_ms'] / base:.0f}×", ""],
        ]
        if "export_csv" not in run:
            continue
        rows += [
            [run["database"], f"per-trainee CSV, {run['enrolments']:,} rows", f"{run['export_csv_ms']:.0f} ms",
             f"{run['export_csv_ms'] / base:.0f}×",
             f"{run['export_rows_per_second']:,.0f} rows/s; RSS {run['export_csv']['rss_before_mib']:.0f} MiB "
             f"before, {run['export_csv']['rss_max_during_mib']:.0f} at most while streaming; peak "
             f"{run['export_csv']['peak_rss_mib']:.0f}"],
            [run["database"], "per-trainee XLSX", f"{run['export_xlsx_ms']:.0f} ms",
             f"{run['export_xlsx_ms'] / base:.0f}×",
             f"RSS {run['export_xlsx']['rss_before_mib']:.0f} MiB before, "
             f"{run['export_xlsx']['rss_max_during_mib']:.0f} at most; peak {run['export_xlsx']['peak_rss_mib']:.0f}"],
        ]
    print(f"\nProgramme: {args.trainees:,} trainees, seed {args.seed}; "
          + "; ".join(f"{r['database']}: {r['enrolments']:,} enrolments, {r['progress_events']:,} progress events"
                      + (f", generated in {r['generated_seconds']:.0f} s" if r["generated_seconds"] else "")
                      for r in runs))
    print(table(rows, ["database", "what", "median", "vs count(*)", "notes"]))
    load_after = os.getloadavg()
    print(f"\nMachine: {os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
          "(other work on the machine slows every figure alike; the ratios compensate in part).")
    path = save(f"reports-{args.trainees}", {"trainees": args.trainees, "seed": args.seed, "runs": runs,
                                              "load_average": {"before": load_before, "after": load_after},
                                              "targets": "overview and pivot < 300 ms on PostgreSQL; export "
                                                         ">= 50,000 rows/s; flat worker memory"})
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
