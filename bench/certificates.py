"""Certificate PDFs: how long one takes, and how fast a group's ZIP of 500 streams.

    python -m bench.certificates [--count 500] [--samples 40]

Everything is measured against rendering a blank one-page fpdf2 document in the same
run. The certificate's own cost is mostly its embedded Unicode font, which fpdf2 parses
and subsets for every document, so the run also measures a blank page carrying the same
two fonts: the floor of any PDF that can print Ђ, ë and ќ. The ZIP is fetched through
the real endpoint (a bearer token, the registry that names the group's enrolments, the
streamed response) twice: cold, rendering every PDF, then warm, from the PDF cache that
issuing fills. A third, warm pass traces memory to show the archive is never whole in it.

Prints a table; writes bench/results/certificates.json. Timings are not asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

COURSE_YAML = """\
slug: bench-tutored
version: 1
format: tutored
default_language: en
languages: [en, sq, sr_Latn, mk]
hours: 12
pass_mark: 70
title:
  en: Radicalisation prevention in prisons and probation
  sq: Parandalimi i radikalizimit në burgje dhe në shërbimin e provës
  sr_Latn: "Prevencija radikalizacije u zatvorima i probaciji"
  mk: Спречување на радикализацијата во затворите и пробацијата
summary:
  en: The benchmark's tutored course.
modules:
  - slug: only
    title: {en: Only module}
    lessons:
      - slug: one
        title: {en: Only lesson}
completion:
  lessons: all
"""
LESSONS = {"one.md": "A lesson.\n", "one.sq.md": "Një mësim.\n", "one.sr_Latn.md": "Lekcija.\n",
           "one.mk.md": "Лекција.\n"}
NAMES = ["Ëndrit Çela", "Đorđe Šćepanović", "Ђорђе Шћепановић", "Јован Ѓорѓиевски", "Ѕвонко Љубичиќ",
         "Jelena Marković", "Arben Hoxha", "Besa Krasniqi", "Nikola Savić", "Vesna Popović"]
LANGUAGES = ["sq", "sr_Latn", "mk", "en", "sr_Cyrl"]


def _median_ms(action, samples: int) -> float:
    action()  # warm up imports and caches of the libraries themselves
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _blank_page() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


def _blank_page_with_fonts() -> bytes:
    from fpdf import FPDF

    from lms.certificates.pdf import FAMILY, FONT_FILES

    pdf = FPDF()
    for style, path in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.add_page()
    for style in FONT_FILES:
        pdf.set_font(FAMILY, style, 12)
        pdf.cell(10, 10, "Ђ")
    return bytes(pdf.output())


def _build(root: Path, count: int):
    """An application on a fresh migrated SQLite database, with ``count`` certificates in one group."""
    os.environ["LMS_INSTANCE_PATH"] = str(root / "instance")
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.models import Beneficiary, User, UserRole
    from lms.accounts.operations import create_api_token, ensure_reference_data
    from lms.courses.completion import complete_enrolment
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from lms.extensions import db, limiter
    from lms.tutors.operations.cohorts import CohortFields, create_cohort
    from lms.tutors.operations.membership import admit

    content = root / "content" / "bench-tutored"
    (content / "only").mkdir(parents=True)
    (content / "course.yaml").write_text(COURSE_YAML)
    for name, text in LESSONS.items():
        (content / "only" / name).write_text(text)

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'bench.sqlite3'}", "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SECRET_KEY": "bench", "LMS_CERTIFICATE_CACHE_DIR": str(root / "pdf-cache"),
        "LMS_MAIL_SERVER": "", "LMS_DEMO_ACCOUNTS": False, "RATELIMIT_ENABLED": False,
        "LMS_TASK_QUEUE": "memory",
    })
    limiter.enabled = False
    logging.getLogger("lms.mail").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    with app.app_context():
        upgrade()
        session = db.session
        ensure_reference_data(session)
        import_content(session, root / "content")
        session.commit()
        kosovo = session.scalar(select(Beneficiary).where(Beneficiary.code == "XK"))
        course = session.scalar(select(Course).where(Course.slug == "bench-tutored"))
        admin = User(email="admin@bench.lms", full_name="Bench Admin", language="en",
                     role_rows=[UserRole(role="admin")])
        tutors = [User(email=f"tutor{n}@bench.lms", full_name=name, language="sq", beneficiary=kosovo,
                       role_rows=[UserRole(role="tutor")]) for n, name in enumerate(("Arta Berisha", "Driton Hoxha"))]
        session.add_all([admin, *tutors])
        session.flush()
        _token, plain = create_api_token(session, admin, "bench")
        today = date.today()
        cohort = create_cohort(session, admin, CohortFields(
            course_id=course.id, beneficiary_id=kosovo.id, name="Prishtinë 2026/1", language="sq",
            starts_on=today - timedelta(days=70), ends_on=today + timedelta(days=14), capacity=count,
            tutor_ids=[t.id for t in tutors]))
        for number in range(count):
            user = User(email=f"trainee{number}@bench.lms", full_name=f"{NAMES[number % len(NAMES)]} {number}",
                        language=LANGUAGES[number % len(LANGUAGES)], beneficiary=kosovo,
                        role_rows=[UserRole(role="trainee")])
            session.add(user)
            session.flush()
            membership, _changed = admit(session, cohort, user, via="bulk", actor=admin, enforce_capacity=False)
            complete_enrolment(session, membership.enrolment, source="automatic")
        cohort_id = cohort.id
        session.commit()  # the renders issuing queues stay on the in-memory queue: nothing runs them
    return app, plain, cohort_id


def _fetch_zip(client, token: str, cohort_id: int, *, trace_memory: bool = False) -> tuple[float, int, int, float]:
    """Fetch the group's ZIP; return seconds, bytes, entries, and the traced peak in MiB."""
    import io
    import zipfile

    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/api/v1/manage/cohorts/{cohort_id}/certificates",
                          headers={"Authorization": f"Bearer {token}"}, buffered=False)
    assert response.status_code == 200, response.status_code
    size, sink = 0, io.BytesIO() if not trace_memory else None
    for chunk in response.response:  # consumed as it streams
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    response.close()
    elapsed = time.perf_counter() - started
    peak = 0.0
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        entries = -1
    else:
        entries = len(zipfile.ZipFile(sink).namelist())
    return elapsed, size, entries, peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="certificates in the group's ZIP")
    parser.add_argument("--samples", type=int, default=40, help="certificates rendered for the median")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))
    try:
        app, token, cohort_id = _build(root, args.count)
        from sqlalchemy import select

        from lms.certificates import files
        from lms.certificates.models import Certificate
        from lms.certificates.pdf import PrintedCertificate
        from lms.extensions import db

        with app.app_context():
            printed = [PrintedCertificate.of(c) for c in db.session.scalars(
                select(Certificate).order_by(Certificate.id).limit(args.samples))]
            blank_ms = _median_ms(_blank_page, max(200, args.samples * 5))
            fonts_ms = _median_ms(_blank_page_with_fonts, args.samples)
            cycle = iter(printed * 2)
            certificate_ms = _median_ms(lambda: files.render(next(cycle)), args.samples)
            pdf_size = len(files.render(printed[0]))

        client = app.test_client()
        shutil.rmtree(root / "pdf-cache", ignore_errors=True)
        cold_s, zip_size, entries, _ = _fetch_zip(client, token, cohort_id)
        warm_s, _, warm_entries, _ = _fetch_zip(client, token, cohort_id)
        _, _, _, peak_mib = _fetch_zip(client, token, cohort_id, trace_memory=True)
        assert entries == warm_entries == args.count, (entries, warm_entries)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    blank_per_s = 1000 / blank_ms
    cold_per_s, warm_per_s = args.count / cold_s, args.count / warm_s
    results = {
        "count": args.count, "samples": args.samples,
        "blank_page_ms": blank_ms, "blank_page_with_fonts_ms": fonts_ms,
        "certificate_ms": certificate_ms, "certificate_bytes": pdf_size,
        "certificate_vs_blank": certificate_ms / blank_ms,
        "certificate_vs_blank_with_fonts": certificate_ms / fonts_ms,
        "zip_cold_seconds": cold_s, "zip_cold_per_second": cold_per_s,
        "zip_cold_ms_per_certificate_vs_blank": (1000 / cold_per_s) / blank_ms,
        "zip_warm_seconds": warm_s, "zip_warm_per_second": warm_per_s,
        "zip_warm_ms_per_certificate_vs_blank": (1000 / warm_per_s) / blank_ms,
        "zip_bytes": zip_size, "zip_stream_peak_traced_mib": peak_mib,
        "target": "certificate within 3x of the blank page",
    }
    rows = [
        ("blank one-page fpdf2 document (baseline)", f"{blank_ms:.3f} ms", f"{blank_per_s:,.0f}/s", "1.0×"),
        ("blank page with the two embedded fonts", f"{fonts_ms:.2f} ms", f"{1000 / fonts_ms:,.0f}/s",
         f"{fonts_ms / blank_ms:.0f}×"),
        ("certificate PDF, median of renders", f"{certificate_ms:.2f} ms", f"{1000 / certificate_ms:,.0f}/s",
         f"{certificate_ms / blank_ms:.0f}×  ({certificate_ms / fonts_ms:.2f}× the font floor)"),
        (f"group ZIP of {args.count}, rendering every PDF", f"{1000 / cold_per_s:.2f} ms each",
         f"{cold_per_s:,.0f}/s", f"{results['zip_cold_ms_per_certificate_vs_blank']:.0f}×"),
        (f"group ZIP of {args.count}, from the PDF cache", f"{1000 / warm_per_s:.2f} ms each",
         f"{warm_per_s:,.0f}/s", f"{results['zip_warm_ms_per_certificate_vs_blank']:.1f}×"),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'':{width}}  {'time':>16}  {'rate':>10}  vs blank page")
    for label, spent, rate, ratio in rows:
        print(f"{label:{width}}  {spent:>16}  {rate:>10}  {ratio}")
    print(f"\none certificate: {pdf_size / 1024:.0f} KiB; ZIP of {args.count}: {zip_size / 2**20:.1f} MiB, "
          f"streamed with a traced peak of {peak_mib:.1f} MiB")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "certificates.json").write_text(json.dumps(results, indent=2))
    print(f"written to {RESULTS / 'certificates.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
