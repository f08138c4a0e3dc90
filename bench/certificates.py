"""Certificate PDFs: how long one takes, cold and warm, and how fast a group's ZIP of 500 streams.

    python -m bench.certificates [--count 500] [--samples 40] [--processes 7]

Everything is measured against rendering a blank one-page fpdf2 document in the same
run, in wall time and in CPU time of the process (the machine may be shared). The
certificate's own cost was mostly its embedded Unicode fonts, which fpdf2 parsed and
subset for every document; the run still measures that floor (a blank page carrying the
two fonts through fpdf2's own ``add_font``). Certificates are rendered:

- **cold**: by a process that holds no font (``embedding.clear_caches()``) and finds no
  font store: it reads the TTF files and cuts the subsets it needs;
- **cold, font store filled**: the same, but another process has stored the fonts'
  metrics and subsets (what every new worker meets after the first);
- **warm**: fonts in memory, a certificate never rendered before (the steady state);
- **from the PDF cache**: what a second download of the same revision costs;
- **first of a new process**: ``--processes`` new Python processes each make the
  application (as a worker does when it starts; not timed) and time their first
  certificate, with the font store as ``lms setup`` leaves it (``files.prepare_font_store()``),
  against as many that time their first blank page: "cold" in the strict sense, with
  every lazy first use (the language's catalogue and locale data, the QR layout) paid;
  and as many that first use the certificate's language (as any page in it would: its
  catalogue and Babel's locale data loaded, not timed), which leaves the certificate's
  own cold cost.

The ZIP is fetched through the real endpoint (a bearer token, the registry that names the
group's enrolments, the streamed response): cold in a new process with the font store as
``lms setup`` leaves it and the PDF cache empty (what a manager's first download after a
deployment costs); cold in this process with nothing stored (no font in memory, empty font
store, empty PDF cache, so every PDF is rendered and every subset cut); then warm, from the
PDF cache. A last, warm pass traces memory to show the archive is never whole in it.

Prints a table; writes bench/results/certificates.json. Timings are not asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
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


def _medians(action, samples: int, *, before=None, warm_up: bool = True) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``action`` (``before`` runs untimed before each)."""
    if warm_up:
        action()  # warm up imports and caches of the libraries themselves
    walls, cpus = [], []
    for _ in range(samples):
        if before is not None:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus)


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


def _app(root: Path):
    """The benchmark's application on the database and PDF cache under ``root``."""
    os.environ["LMS_INSTANCE_PATH"] = str(root / "instance")
    from lms import create_app
    from lms.extensions import limiter

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'bench.sqlite3'}", "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SECRET_KEY": "bench", "LMS_CERTIFICATE_CACHE_DIR": str(root / "pdf-cache"),
        "LMS_MAIL_SERVER": "", "LMS_DEMO_ACCOUNTS": False, "RATELIMIT_ENABLED": False,
        "LMS_TASK_QUEUE": "memory",
    })
    limiter.enabled = False
    from lms.core.i18n import load_every_language

    load_every_language(app)   # as wsgi.py makes a served worker
    logging.getLogger("lms.mail").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


def _build(root: Path, count: int):
    """An application on a fresh migrated SQLite database, with ``count`` certificates in one group."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms.accounts.models import Beneficiary, User, UserRole
    from lms.accounts.operations import create_api_token, ensure_reference_data
    from lms.courses.completion import complete_enrolment
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.tutors.operations.cohorts import CohortFields, create_cohort
    from lms.tutors.operations.membership import admit

    content = root / "content" / "bench-tutored"
    (content / "only").mkdir(parents=True)
    (content / "course.yaml").write_text(COURSE_YAML)
    for name, text in LESSONS.items():
        (content / "only" / name).write_text(text)

    app = _app(root)

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


def _fetch_zip(client, token: str, cohort_id: int, *, trace_memory: bool = False):
    """Fetch the group's ZIP; return wall seconds, CPU seconds, bytes, entries, the traced peak in MiB."""
    import io
    import zipfile

    if trace_memory:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/api/v1/manage/cohorts/{cohort_id}/certificates",
                          headers={"Authorization": f"Bearer {token}"}, buffered=False)
    assert response.status_code == 200, response.status_code
    size, sink = 0, io.BytesIO() if not trace_memory else None
    for chunk in response.response:  # consumed as it streams
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    response.close()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = 0.0
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        entries = -1
    else:
        entries = len(zipfile.ZipFile(sink).namelist())
    return wall, cpu, size, entries, peak


def _first_in_new_process(what: str, root: Path, *, token: str = "", cohort_id: int = 0, index: int = 0) -> dict:
    """Runs in a new process (``--child``): the application is made as a worker makes it at
    start (not timed), then the first blank page, the first certificate (the ``index``-th of
    the group), or the group's ZIP (cold: the parent emptied the PDF cache) is timed."""
    app = _app(root)
    if what == "zip":
        wall, cpu, _size, entries, _peak = _fetch_zip(app.test_client(), token, cohort_id)
        return {"wall_ms": 1000 * wall, "cpu_ms": 1000 * cpu, "entries": entries}
    from sqlalchemy import select

    from lms.certificates import files
    from lms.certificates.models import Certificate
    from lms.certificates.pdf import PrintedCertificate
    from lms.extensions import db

    with app.app_context():
        if what == "blank":
            action = _blank_page
        else:
            printed = PrintedCertificate.of(db.session.scalars(
                select(Certificate).order_by(Certificate.id).offset(index).limit(1)).one())
            if what == "certificate-language-used":
                # As after any page in the holder's language: its catalogue and locale data loaded.
                from flask_babel import format_date, format_decimal

                from lms.core.i18n import _, use_language

                with use_language(printed.language):
                    format_date(printed.issued_at, format="long"), format_decimal(printed.hours), _("Tutored course")

            def action():
                files.render(printed)
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        return {"cpu_ms": 1000 * (time.process_time() - cpu), "wall_ms": 1000 * (time.perf_counter() - wall)}


def _in_new_process(what: str, root: Path, **options) -> dict:
    command = [sys.executable, "-m", "bench.certificates", "--child", what, "--root", str(root)]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _new_process_medians(what: str, root: Path, runs: int, **options) -> tuple[float, float]:
    """Median wall and CPU milliseconds of the first ``what`` of ``runs`` new processes (the
    certificates taken in turn, so that their languages vary as in a real group)."""
    found = [_in_new_process(what, root, index=run, **options) for run in range(runs)]
    return statistics.median(f["wall_ms"] for f in found), statistics.median(f["cpu_ms"] for f in found)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="certificates in the group's ZIP")
    parser.add_argument("--samples", type=int, default=40, help="certificates rendered for each median")
    parser.add_argument("--processes", type=int, default=7, help="new processes timed for each first render")
    parser.add_argument("--child", choices=("blank", "certificate", "certificate-language-used", "zip"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--token", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cohort-id", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_first_in_new_process(args.child, args.root, token=args.token, cohort_id=args.cohort_id,
                                               index=args.index)))
        return 0

    root = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))
    try:
        app, token, cohort_id = _build(root, args.count)
        from sqlalchemy import select

        from lms.certificates import embedding, files
        from lms.certificates.models import Certificate
        from lms.certificates.pdf import PrintedCertificate
        from lms.extensions import db

        pdf_cache = root / "pdf-cache"
        with app.app_context():
            store = files.font_store()
            printed = [PrintedCertificate.of(c) for c in db.session.scalars(
                select(Certificate).order_by(Certificate.id).limit(args.samples))]
            cycle = iter(printed * 4)

            def render():
                files.render(next(cycle))

            def forget_everything():
                embedding.clear_caches()
                shutil.rmtree(store, ignore_errors=True)

            blank = _medians(_blank_page, max(200, args.samples * 5))
            fonts = _medians(_blank_page_with_fonts, args.samples)
            cold = _medians(render, max(5, args.samples // 4), before=forget_everything, warm_up=False)
            render()  # leaves the font store filled
            stored = _medians(render, args.samples, before=embedding.clear_caches)
            warm = _medians(render, args.samples)
            for certificate in printed:
                files.prerender(certificate)
            cached = _medians(lambda: files.pdf_bytes(next(cycle)), args.samples)
            pdf_size = len(files.render(printed[0]))

        # New processes, the font store as `lms setup` leaves it, the PDF cache empty.
        with app.app_context():
            forget_everything()
            files.prepare_font_store()
        for path in pdf_cache.glob("*.pdf"):
            path.unlink()
        new_blank = _new_process_medians("blank", root, args.processes)
        new_certificate = _new_process_medians("certificate", root, args.processes)
        new_certificate_language = _new_process_medians("certificate-language-used", root, args.processes)
        new_zip = _in_new_process("zip", root, token=token, cohort_id=cohort_id)
        assert new_zip["entries"] == args.count, new_zip

        client = app.test_client()
        with app.app_context():
            forget_everything()
        shutil.rmtree(pdf_cache, ignore_errors=True)
        cold_s, cold_cpu_s, zip_size, entries, _ = _fetch_zip(client, token, cohort_id)
        warm_s, warm_cpu_s, _, warm_entries, _ = _fetch_zip(client, token, cohort_id)
        *_, peak_mib = _fetch_zip(client, token, cohort_id, trace_memory=True)
        assert entries == warm_entries == args.count, (entries, warm_entries)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    (blank_ms, blank_cpu), (fonts_ms, fonts_cpu) = blank, fonts
    results = {
        "count": args.count, "samples": args.samples, "load_average": os.getloadavg(), "cpus": os.cpu_count(),
        "blank_page_ms": blank_ms, "blank_page_cpu_ms": blank_cpu,
        "blank_page_with_fpdf2_fonts_ms": fonts_ms, "blank_page_with_fpdf2_fonts_cpu_ms": fonts_cpu,
        "certificate_bytes": pdf_size, "zip_bytes": zip_size, "zip_stream_peak_traced_mib": peak_mib,
        "target": "a certificate rendered cold within 10x the blank page; a ZIP of 500 cold in under 5 s",
    }
    for key, (wall, cpu) in (("cold", cold), ("cold_font_store_filled", stored), ("warm", warm),
                             ("from_pdf_cache", cached)):
        results[f"certificate_{key}_ms"] = wall
        results[f"certificate_{key}_cpu_ms"] = cpu
        results[f"certificate_{key}_vs_blank"] = wall / blank_ms
        results[f"certificate_{key}_cpu_vs_blank"] = cpu / blank_cpu
    (first_blank_ms, first_blank_cpu), (first_ms, first_cpu) = new_blank, new_certificate
    results.update({
        "new_process_first_blank_page_ms": first_blank_ms, "new_process_first_blank_page_cpu_ms": first_blank_cpu,
        "new_process_first_certificate_ms": first_ms, "new_process_first_certificate_cpu_ms": first_cpu,
        "new_process_first_certificate_vs_first_blank": first_ms / first_blank_ms,
        "new_process_first_certificate_cpu_vs_first_blank": first_cpu / first_blank_cpu,
        "new_process_first_certificate_vs_blank": first_ms / blank_ms,
        "new_process_first_certificate_cpu_vs_blank": first_cpu / blank_cpu,
        "new_process_first_certificate_language_used_ms": new_certificate_language[0],
        "new_process_first_certificate_language_used_cpu_ms": new_certificate_language[1],
        "zip_new_process_font_store_filled_seconds": new_zip["wall_ms"] / 1000,
        "zip_new_process_font_store_filled_cpu_seconds": new_zip["cpu_ms"] / 1000,
    })
    for key, wall, cpu in (("cold", cold_s, cold_cpu_s), ("warm", warm_s, warm_cpu_s)):
        results[f"zip_{key}_seconds"] = wall
        results[f"zip_{key}_cpu_seconds"] = cpu
        results[f"zip_{key}_ms_per_certificate_vs_blank"] = (1000 * wall / args.count) / blank_ms

    def row(label, wall, cpu):
        return (label, f"{wall:.2f} ms", f"{cpu:.2f} ms", f"{wall / blank_ms:.1f}×", f"{cpu / blank_cpu:.1f}×")

    rows = [
        row("blank one-page fpdf2 document (baseline)", blank_ms, blank_cpu),
        row("blank page + both fonts via fpdf2 add_font", fonts_ms, fonts_cpu),
        row("certificate, cold (no font in memory or store)", *cold),
        row("certificate, cold, font store filled", *stored),
        row("certificate, warm (fonts in memory)", *warm),
        row("certificate from the PDF cache", *cached),
        row(f"ZIP of {args.count}, new process, store filled, per cert.", new_zip["wall_ms"] / args.count,
            new_zip["cpu_ms"] / args.count),
        row(f"ZIP of {args.count}, cold, nothing stored, per cert.", 1000 * cold_s / args.count,
            1000 * cold_cpu_s / args.count),
        row(f"ZIP of {args.count}, from the PDF cache, per cert.", 1000 * warm_s / args.count,
            1000 * warm_cpu_s / args.count),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'wall':>10}  {'CPU':>10}  {'wall/blank':>10}  {'CPU/blank':>9}")
    for label, wall, cpu, wall_ratio, cpu_ratio in rows:
        print(f"{label:{width}}  {wall:>10}  {cpu:>10}  {wall_ratio:>10}  {cpu_ratio:>9}")
    print(f"\nNew processes ({args.processes} each; the application made, the font store as `lms setup` "
          "leaves it), the first render's median:")
    print(f"  blank page {first_blank_ms:.2f} ms wall, {first_blank_cpu:.2f} ms CPU; "
          f"certificate {first_ms:.2f} ms wall, {first_cpu:.2f} ms CPU: "
          f"{first_ms / first_blank_ms:.1f}× / {first_cpu / first_blank_cpu:.1f}× the first blank page "
          f"({first_ms / blank_ms:.1f}× / {first_cpu / blank_cpu:.1f}× the warm one)")
    lang_ms, lang_cpu = new_certificate_language
    print(f"  certificate, the process having used its language already (as any page in it does): "
          f"{lang_ms:.2f} ms wall, {lang_cpu:.2f} ms CPU: {lang_ms / first_blank_ms:.1f}× / "
          f"{lang_cpu / first_blank_cpu:.1f}× the first blank page")
    print(f"ZIP of {args.count} certificates in a new process, font store filled, PDF cache empty: "
          f"{new_zip['wall_ms'] / 1000:.2f} s wall, {new_zip['cpu_ms'] / 1000:.2f} s CPU")
    print(f"ZIP of {args.count} certificates, nothing stored: {cold_s:.2f} s wall, {cold_cpu_s:.2f} s CPU; "
          f"from the PDF cache: {warm_s:.2f} s wall")
    print(f"one certificate: {pdf_size / 1024:.0f} KiB; ZIP: {zip_size / 2**20:.1f} MiB, "
          f"streamed with a traced peak of {peak_mib:.1f} MiB")
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "certificates.json").write_text(json.dumps(results, indent=2))
    print(f"written to {RESULTS / 'certificates.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
