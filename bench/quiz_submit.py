"""Submitting a 20-question quiz attempt with many attempts already stored, against /healthz.

    python -m bench.quiz_submit                                   # SQLite, in a temporary folder
    python -m bench.quiz_submit --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms
    python -m bench.quiz_submit --attempts 20000 --samples 100    # a quicker run

A PostgreSQL URL names a server and a database name to derive from: the benchmark creates
its own database beside it and drops it afterwards. It migrates, imports a course whose
quiz has 20 questions, seeds ``--attempts`` graded attempts (with their 20 answers each and
their progress events) by bulk inserts, then times, through the Flask test client, the real
HTTP path ``POST /api/v1/attempts/<id>/submit`` for fresh attempts whose answers were saved,
interleaved with ``GET /healthz`` as the baseline. After the bulk load it runs ANALYZE (on
PostgreSQL also VACUUM and a CHECKPOINT), so that the timings see a settled database. It prints the median and 95th percentile
of each and their ratio, and writes the figures to bench/results/.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import io
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUESTIONS = 20
ATTEMPTS_PER_TRAINEE = 4
BATCH = 20_000


# --- content ---------------------------------------------------------------------------

def question_file() -> str:
    """20 questions of every automatically graded type, written to the content format."""
    blocks = []
    for n in range(1, QUESTIONS + 1):
        kind = n % 6
        name = f"::q{n:02d}::"
        if kind == 0:
            blocks.append(f"{name} Which of these is right ({n})? {{\n  =Right {n}#Yes.\n  ~Wrong {n}#No.\n"
                          f"  ~Also wrong {n}#No.\n  ~Not this {n}#No.\n}}")
        elif kind == 1:
            blocks.append(f"{name} Select the right ones ({n}). {{\n  ~%50%Good {n}#Yes.\n  ~%50%Fine {n}#Yes.\n"
                          f"  ~%-100%Bad {n}#No.\n  ~%-50%Poor {n}#No.\n}}")
        elif kind == 2:
            blocks.append(f"{name} Statement {n} is true. {{T#No: it is true.#Yes: it is true.}}")
        elif kind == 3:
            blocks.append(f"{name} Name the kind of security ({n}). {{\n  =dynamic security#Right.\n"
                          f"  =%50%dynamic*#Nearly.\n}}")
        elif kind == 4:
            blocks.append(f"{name} In which year ({n})? {{#\n  =2006:0#Right.\n  =%50%2006:2#Close.\n}}")
        else:
            blocks.append(f"{name} Match each standard ({n}). {{\n  =Prison Rules -> 2006\n"
                          f"  =Probation Rules -> 2010\n  =Guidelines -> 2016\n  = -> 1950\n  ####Dates.\n}}")
    return "\n\n".join(blocks) + "\n"


def write_course(folder: Path) -> None:
    course = folder / "bench-course"
    (course / "only").mkdir(parents=True)
    (course / "course.yaml").write_text("""slug: bench-course
version: 1
format: self-paced
default_language: en
languages: [en]
hours: 1
pass_mark: 60
title: {en: Benchmark course}
modules:
  - slug: only
    title: {en: The only module}
    lessons:
      - slug: lesson
        title: {en: A lesson}
    quiz:
      file: quiz.gift
      title: {en: Twenty questions}
      pass_mark: 60
      attempts: 0
      grading: highest
      review: after_submit
      shuffle_questions: true
      shuffle_answers: true
completion:
  lessons: all
  quizzes: all
""")
    (course / "only" / "lesson.md").write_text("A lesson.\n")
    (course / "only" / "quiz.gift").write_text(question_file())


# --- databases -------------------------------------------------------------------------

@contextlib.contextmanager
def bench_database(url: str | None, folder: Path):
    """A database of our own: a SQLite file, or a new PostgreSQL database beside ``url``'s."""
    if not url:
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    from bench.common import scratch_postgres

    with scratch_postgres(url) as scratch:
        yield scratch


def make_app(database_url: str, folder: Path):
    os.environ["LMS_INSTANCE_PATH"] = str(folder / "instance")
    os.environ.setdefault("LMS_LOG_LEVEL", "WARNING")
    from lms import create_app
    from lms.extensions import limiter

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "benchmark-only",
        "SQLALCHEMY_ENGINE_OPTIONS": {} if database_url.startswith("sqlite") else {"pool_pre_ping": False},
        "LMS_CONTENT_DIR": str(folder / "content"), "LMS_ARGON2_TIME_COST": 1, "LMS_ARGON2_MEMORY_KIB": 1024,
        "LMS_DEMO_ACCOUNTS": False, "RATELIMIT_ENABLED": False})
    limiter.enabled = False
    return app


# --- seeding ---------------------------------------------------------------------------

def response_for(qtype: str, definition: dict, rng: random.Random):
    if qtype == "single_choice":
        return {"choice": rng.randrange(len(definition["answers"]))}
    if qtype == "multiple_response":
        return {"choices": sorted(rng.sample(range(len(definition["answers"])), 2))}
    if qtype == "true_false":
        return {"value": rng.random() < 0.8}
    if qtype == "short_answer":
        return {"text": rng.choice(["dynamic security", "dynamic", "static"])}
    if qtype == "numerical":
        return {"text": str(rng.choice([2006, 2005, 1990]))}
    if qtype == "matching":
        return {"matches": {str(i): rng.randrange(len(definition["choices"])) for i in range(len(definition["stems"]))}}
    return None


def seed(session, quiz, questions, attempts: int) -> int:
    """Bulk-insert graded attempts with their answers; return the number of trainees made."""
    from sqlalchemy import text

    from lms.accounts.models import User
    from lms.courses.models import Enrolment, ProgressEvent
    from lms.quizzes.models import AttemptAnswer, QuizAttempt
    from lms.quizzes.types import QUESTION_TYPES

    rng = random.Random(7)
    trainees = -(-attempts // ATTEMPTS_PER_TRAINEE)
    now = datetime.now(UTC)
    dialect = session.get_bind().dialect.name
    ids = {}
    for model in (User, Enrolment, QuizAttempt, AttemptAnswer, ProgressEvent):
        ids[model] = (session.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{model.__tablename__}"')).scalar())
    users = [{"id": ids[User] + i + 1, "email": f"bench{i}@example.org", "full_name": f"Bench Trainee {i}",
              "password_hash": None, "language": "en", "is_active": True, "auth_version": 1, "created_at": now}
             for i in range(trainees)]
    enrolments = [{"id": ids[Enrolment] + i + 1, "user_id": u["id"], "course_id": quiz.course_id, "status": "active",
                   "enrolled_at": now, "progress_percent": 50} for i, u in enumerate(users)]
    _bulk(session, User.__table__, users)
    _bulk(session, Enrolment.__table__, enrolments)
    attempt_rows, answer_rows, event_rows = [], [], []
    answer_id, event_id = ids[AttemptAnswer], ids[ProgressEvent]
    for index in range(attempts):
        attempt_id = ids[QuizAttempt] + index + 1
        enrolment = enrolments[index // ATTEMPTS_PER_TRAINEE]
        started = now - timedelta(days=rng.randrange(400), minutes=rng.randrange(1440))
        marks = 0.0
        for position, question in enumerate(questions, start=1):
            kind = QUESTION_TYPES[question.qtype]
            response = response_for(question.qtype, question.definition, rng)
            fraction = kind.grade(question.definition, response, "en").fraction or 0.0
            marks += fraction
            answer_id += 1
            answer_rows.append({"id": answer_id, "attempt_id": attempt_id, "position": position,
                                "question_id": question.id, "mark": 1.0, "answer_order": None,
                                "response": response, "saved_at": started, "fraction": fraction,
                                "needs_grading": False, "version": 1})
        score = round(100 * marks / QUESTIONS, 2)
        attempt_rows.append({"id": attempt_id, "quiz_id": quiz.id, "enrolment_id": enrolment["id"],
                             "number": index % ATTEMPTS_PER_TRAINEE + 1, "state": "graded", "language": "en",
                             "started_at": started, "submitted_at": started + timedelta(minutes=12),
                             "graded_at": started + timedelta(minutes=12), "closed_by_deadline": False,
                             "marks": marks, "max_marks": float(QUESTIONS), "score": score,
                             "passed": score >= quiz.pass_mark})
        event_id += 1
        event_rows.append({"id": event_id, "enrolment_id": enrolment["id"], "kind": "quiz_attempt_graded",
                           "subject_id": attempt_id, "occurred_at": started + timedelta(minutes=12)})
        if len(answer_rows) >= BATCH:
            _bulk(session, QuizAttempt.__table__, attempt_rows)
            _bulk(session, AttemptAnswer.__table__, answer_rows)
            _bulk(session, ProgressEvent.__table__, event_rows)
            attempt_rows, answer_rows, event_rows = [], [], []
    _bulk(session, QuizAttempt.__table__, attempt_rows)
    _bulk(session, AttemptAnswer.__table__, answer_rows)
    _bulk(session, ProgressEvent.__table__, event_rows)
    if dialect == "postgresql":
        for model in (User, Enrolment, QuizAttempt, AttemptAnswer, ProgressEvent):
            table = model.__tablename__
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                 f"(SELECT MAX(id) FROM \"{table}\"))"))
    session.commit()
    settle(session)
    return trainees


def settle(session) -> None:
    """After a bulk load: fresh statistics, and on PostgreSQL no vacuum or checkpoint left to
    run in the middle of the timings (steady state, as a server that has been up a while)."""
    from sqlalchemy import text

    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        connection.execute(text("CHECKPOINT"))


def _bulk(session, table, rows: list[dict]) -> None:
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, table, rows)
    else:
        session.execute(table.insert(), rows)


def _copy(session, table, rows: list[dict]) -> None:
    """PostgreSQL COPY: the fastest bulk insert, a few seconds per million rows."""
    columns = list(rows[0])
    connection = session.connection().connection.driver_connection
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(row[c]) for c in columns) + "\n")
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        copy.write(buffer.getvalue())


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


# --- timing ----------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare_attempts(app, session, course, quiz, count: int) -> list[tuple[str, int]]:
    """Trainees with a started attempt and all 20 answers saved: (token, attempt id, answers)."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.accounts.operations import create_api_token
    from lms.courses.operations import ensure_enrolment
    from lms.quizzes.models import AttemptAnswer, Question

    rng = random.Random(11)
    prepared = []
    client = app.test_client()

    def request(method, url, **kwargs):
        # Each request gets its own app context, as in production, though ours is open here.
        return contextvars.Context().run(client.open, url, method=method, **kwargs)

    for n in range(count):
        user = User(email=f"timed{n}@example.org", full_name=f"Timed Trainee {n}", language="en")
        session.add(user)
        session.flush()
        ensure_enrolment(session, user, course)
        _token, plain = create_api_token(session, user, "bench")
        session.commit()
        headers = {"Authorization": f"Bearer {plain}"}
        started = request("POST", f"/api/v1/quizzes/{quiz.id}/attempts", headers=headers)
        assert started.status_code == 201, started.get_json()
        attempt_id = started.get_json()["id"]
        rows = session.execute(
            select(AttemptAnswer.position, Question.qtype, Question.definition)
            .join(Question, Question.id == AttemptAnswer.question_id)
            .where(AttemptAnswer.attempt_id == attempt_id)).all()
        answers = {"answers": [{"position": position, "response": response_for(qtype, definition, rng)}
                               for position, qtype, definition in rows]}
        saved = request("PUT", f"/api/v1/attempts/{attempt_id}/answers", json=answers, headers=headers)
        assert saved.status_code == 200, saved.get_json()
        prepared.append((plain, attempt_id))
    return prepared


def measure(app, prepared) -> tuple[list[float], list[float]]:
    client = app.test_client()
    submit_ms, health_ms = [], []
    for token, attempt_id in prepared:
        started = time.perf_counter()
        health = client.get("/healthz")
        health_ms.append((time.perf_counter() - started) * 1000)
        assert health.status_code == 200
        started = time.perf_counter()
        response = client.post(f"/api/v1/attempts/{attempt_id}/submit", json={},
                               headers={"Authorization": f"Bearer {token}"})
        submit_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.get_json()["state"] == "graded", response.get_json()
    return submit_ms, health_ms


def run(database_url: str | None, attempts: int, samples: int, warmup: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    folder = Path(tempfile.mkdtemp(prefix="lms-bench-quiz-"))
    try:
        write_course(folder / "content")
        with bench_database(database_url, folder) as url:
            app = make_app(url, folder)
            with app.app_context():
                from lms.accounts.operations import ensure_reference_data
                from lms.courses.importer import import_content
                from lms.courses.models import Course
                from lms.extensions import db
                from lms.quizzes.models import Question, QuizAttempt, QuizSlot
                from lms.quizzes.results import quizzes_of

                upgrade()
                session = db.session
                ensure_reference_data(session)
                import_content(session, folder / "content")
                session.commit()
                course = session.scalar(select(Course).where(Course.slug == "bench-course"))
                quiz = quizzes_of(session, course.id)[0]
                questions = list(session.scalars(select(Question).join(QuizSlot).where(QuizSlot.quiz_id == quiz.id)
                                                 .order_by(QuizSlot.position)))
                clock = time.perf_counter()
                trainees = seed(session, quiz, questions, attempts)
                seeding = time.perf_counter() - clock
                stored = session.scalar(select(func.count()).select_from(QuizAttempt))
                prepared = prepare_attempts(app, session, course, quiz, samples + warmup)
                session.remove()
            measure(app, prepared[:warmup])
            submit_ms, health_ms = measure(app, prepared[warmup:])
            with app.app_context():
                from lms.extensions import db

                db.engine.dispose()
        dialect = "postgresql" if database_url else "sqlite"
        result = {
            "benchmark": "quiz_submit", "database": dialect, "attempts_stored": stored, "trainees": trainees,
            "questions": QUESTIONS, "samples": len(submit_ms), "seeding_seconds": round(seeding, 1),
            "submit_median_ms": round(statistics.median(submit_ms), 3),
            "submit_p95_ms": round(percentile(submit_ms, 0.95), 3),
            "healthz_median_ms": round(statistics.median(health_ms), 3),
            "healthz_p95_ms": round(percentile(health_ms, 0.95), 3),
        }
        result["median_ratio"] = round(result["submit_median_ms"] / result["healthz_median_ms"], 1)
        result["p95_ratio"] = round(result["submit_p95_ms"] / result["healthz_p95_ms"], 1)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(result: dict) -> None:
    print(f"\nSubmitting a {result['questions']}-question attempt — {result['database']}, "
          f"{result['attempts_stored']:,} attempts stored ({result['trainees']:,} trainees; "
          f"seeded in {result['seeding_seconds']} s), {result['samples']} samples")
    print(f"{'':24}{'median ms':>12}{'p95 ms':>12}")
    print(f"{'POST …/submit':24}{result['submit_median_ms']:>12.2f}{result['submit_p95_ms']:>12.2f}")
    print(f"{'GET /healthz':24}{result['healthz_median_ms']:>12.2f}{result['healthz_p95_ms']:>12.2f}")
    print(f"{'ratio':24}{result['median_ratio']:>12.1f}{result['p95_ratio']:>12.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"quiz_submit-{result['database']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server and database to create a benchmark database beside "
                             "(default: a temporary SQLite file)")
    parser.add_argument("--attempts", type=int, default=200_000, help="graded attempts to store first")
    parser.add_argument("--samples", type=int, default=200, help="submits to time")
    parser.add_argument("--warmup", type=int, default=10, help="submits made before timing")
    args = parser.parse_args()
    report(run(args.database_url, args.attempts, args.samples, args.warmup))


if __name__ == "__main__":
    main()
