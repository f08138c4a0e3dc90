"""The programme report for donors at programme scale: its JSON, PDF and XLSX for a regional
manager (every beneficiary, no period), each against a bare ``SELECT count(*) FROM enrolment``
in the same run.

    python -m bench.donor --database-url postgresql+psycopg://…/lms_bench [--trainees 100000] [--seed 1]

The synthetic programme is the one bench/reports.py generates (``lms demo generate``: 100,000
trainees give about 105,000 enrolments), made once per database by ``bench.reports.prepare``
(which also migrates it: the knowledge-gain column is back-filled then). The report is asked
through the application as a manager's browser or script asks it (routing, sign-in, the
aggregate statements, the tables, the PDF or workbook). Prints a table; writes
bench/results/donor-*.json. Timings are not asserted anywhere; the target is under 5 s.
"""

from __future__ import annotations

import argparse
import os

from bench.common import RESULTS, save, table
from bench.reports import ROOT, _app, _median_ms, prepare

TARGETS = {"JSON (API)": "/api/v1/reports/donor", "PDF": "/reports/donor.pdf", "XLSX": "/reports/donor.xlsx",
           "page": "/reports/donor"}


def measure(database_url: str, instance, session_id: str, samples: int) -> dict:
    from sqlalchemy import text

    from lms.extensions import db

    app = _app(database_url, instance)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = session_id
        cookie["_fresh"] = True
    sizes = {}

    def get(name, url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes[name] = len(response.get_data())
        return run

    with app.app_context():
        engine = db.engine

        def count():
            with engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM enrolment")).scalar()

        results = {"count_ms": _median_ms(count, samples * 2)}
        for name, url in TARGETS.items():
            results[name] = _median_ms(get(name, url), samples)
        engine.dispose()
    results["bytes"] = sizes
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database (empty, or holding the programme)")
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=5, help="requests per document for the median")
    args = parser.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    instance = RESULTS / f"donor-instance-{args.trainees}-seed{args.seed}"
    instance.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    facts = prepare(args.database_url, instance, args.trainees, args.seed)
    found = measure(args.database_url, instance, facts["manager_session_id"], args.samples)
    base = found["count_ms"]
    rows = [["SELECT count(*) FROM enrolment (baseline)", f"{base:.1f} ms", "1.0×", ""]]
    for name in TARGETS:
        rows.append([f"donor report, {name}", f"{found[name]:.0f} ms", f"{found[name] / base:.0f}×",
                     f"{found['bytes'][name]:,} bytes; target < 5,000 ms"])
    print(f"\nProgramme: {args.trainees:,} trainees, seed {args.seed}: {facts['enrolments']:,} enrolments, "
          f"{facts['progress_events']:,} progress events")
    print(table(rows, ["what", "median", "vs count(*)", "notes"]))
    load_after = os.getloadavg()
    print(f"\nMachine: {os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after.")
    path = save(f"donor-{args.trainees}", {"trainees": args.trainees, "seed": args.seed,
                                            "enrolments": facts["enrolments"], **found,
                                            "load_average": {"before": load_before, "after": load_after},
                                            "target": "each document < 5 s on PostgreSQL"})
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
