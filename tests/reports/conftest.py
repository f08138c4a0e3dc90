"""A small programme built by hand, and a plain-Python reading of it that the SQL must match.

Everything is written row by row (no generator, no operations that would add their own
events), so every date, score, review and certificate is exactly what the table below says.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.extensions import db

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    """'2025-01-06 09:00' → an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class TraineeSpec:
    key: str
    beneficiary: str
    institution: int | None     # index in the beneficiary's default institutions
    profession: str | None
    gender: str | None
    language: str


@dataclass
class CohortSpec:
    key: str
    course: str
    beneficiary: str
    language: str
    starts_on: date
    ends_on: date


@dataclass
class EnrolmentSpec:
    key: str
    trainee: str
    course: str
    cohort: str | None
    enrolled: str
    last_activity: str | None = None
    completed: str | None = None
    withdrawn: str | None = None
    final: list[float] = field(default_factory=list)
    certificate: str | None = None            # "valid" | "revoked"
    rounds: list[tuple[str, float]] = field(default_factory=list)   # (submitted, hours to review)
    awaiting: int = 0
    pretest: float | None = None              # the graded pre-test (taken once)


TRAINEES = [
    TraineeSpec("t1", "RS", 0, "prison_officer", "female", "sr_Latn"),
    TraineeSpec("t2", "RS", 0, "prison_officer", "male", "sr_Latn"),
    TraineeSpec("t3", "RS", 1, "probation_officer", "female", "sr_Cyrl"),
    TraineeSpec("t4", "RS", 1, "psychologist", "undisclosed", "en"),
    TraineeSpec("t5", "RS", None, "social_worker", None, "sr_Latn"),
    TraineeSpec("t6", "AL", 0, "prison_officer", "male", "sq"),
    TraineeSpec("t7", "AL", 0, "probation_officer", "female", "sq"),
    TraineeSpec("t8", "AL", 0, "prison_officer", "female", "en"),
    TraineeSpec("t9", "AL", None, None, "male", "sq"),
    TraineeSpec("t10", "XK", 0, "prison_officer", "male", "sq"),
    TraineeSpec("t11", "XK", 0, "educator", "female", "sr_Latn"),
    TraineeSpec("t12", "RS", 0, "prison_manager", "male", "sr_Latn"),   # in the Kosovo* group
    TraineeSpec("t13", "AL", 0, "healthcare", "other", "sq"),
    TraineeSpec("t14", "RS", 1, "prison_officer", "female", "en"),
]

COHORTS = [
    CohortSpec("G1", "tutored-casework", "RS", "sr_Latn", date(2025, 1, 6), date(2025, 3, 31)),
    CohortSpec("G2", "tutored-casework", "AL", "sq", date(2025, 2, 3), date(2025, 4, 30)),
    CohortSpec("G3", "tutored-casework", "XK", "sq", date(2024, 11, 4), date(2025, 1, 31)),
    CohortSpec("G4", "tutored-basics", "RS", "en", date(2025, 4, 1), date(2025, 6, 30)),
]

# The courses with a pre-test (knowledge gain), and the final assessment's grading method per course.
PRETEST_COURSES = ("tutored-casework", "tutored-basics")
FINAL_GRADING = {"tutored-casework": "highest", "self-paced-basics": "average", "tutored-basics": "last"}

ENROLMENTS = [
    EnrolmentSpec("e1", "t1", "tutored-casework", "G1", "2025-01-06 09:00", "2025-03-20 10:00",
                  completed="2025-03-20 10:00", final=[60, 85], certificate="valid",
                  rounds=[("2025-02-01 10:00", 20), ("2025-03-01 10:00", 30)], pretest=40),
    EnrolmentSpec("e2", "t2", "tutored-casework", "G1", "2025-01-07 08:00", "2025-02-01 09:00",
                  withdrawn="2025-02-10 09:00", rounds=[("2025-01-25 12:00", 50)]),
    EnrolmentSpec("e3", "t3", "tutored-casework", "G1", "2025-01-06 10:00", "2025-06-10 08:00",
                  final=[40], awaiting=1, pretest=30),
    EnrolmentSpec("e4", "t4", "tutored-casework", "G1", "2025-01-08 07:30", "2025-04-02 16:00",
                  completed="2025-04-02 16:00", final=[90], certificate="revoked",
                  rounds=[("2025-02-10 09:00", 10)], pretest=55),
    EnrolmentSpec("e5", "t5", "tutored-casework", "G1", "2025-01-09 11:00"),
    EnrolmentSpec("e6", "t6", "tutored-casework", "G2", "2025-02-03 08:00", "2025-05-20 09:00",
                  completed="2025-04-15 12:00", final=[70, 75], certificate="valid",
                  rounds=[("2025-03-01 08:00", 4), ("2025-03-15 08:00", 6)], pretest=50),
    EnrolmentSpec("e7", "t7", "tutored-casework", "G2", "2025-02-04 08:00", "2025-04-30 18:00",
                  completed="2025-04-30 18:00", final=[88], certificate="valid",
                  rounds=[("2025-03-02 08:00", 12)], pretest=60),
    EnrolmentSpec("e8", "t8", "tutored-casework", "G2", "2025-02-05 08:00", "2025-06-14 20:00", awaiting=2, pretest=45),
    EnrolmentSpec("e9", "t9", "tutored-casework", "G2", "2025-02-06 08:00", "2025-02-20 08:00",
                  withdrawn="2025-03-01 08:00"),
    EnrolmentSpec("e10", "t10", "tutored-casework", "G3", "2024-11-04 09:00", "2025-01-20 09:00",
                  completed="2025-01-20 09:00", final=[95, 65], certificate="valid",
                  rounds=[("2024-12-01 10:00", 72)], pretest=70),
    EnrolmentSpec("e11", "t11", "tutored-casework", "G3", "2024-11-05 09:00", "2025-01-31 23:30",
                  completed="2025-01-31 23:30", final=[78], certificate="valid", pretest=48),
    EnrolmentSpec("e12", "t12", "tutored-casework", "G3", "2024-11-06 09:00", "2025-05-17 09:00"),
    EnrolmentSpec("e13", "t13", "tutored-casework", "G2", "2025-02-07 08:00", "2025-05-02 08:00",
                  completed="2025-05-02 08:00", final=[82], certificate="valid", pretest=52),
    EnrolmentSpec("e14", "t1", "self-paced-basics", None, "2024-12-15 20:00", "2025-01-10 21:00",
                  completed="2025-01-10 21:00", final=[70, 81], certificate="valid"),
    EnrolmentSpec("e15", "t6", "self-paced-basics", None, "2025-03-10 08:00", "2025-03-12 08:00",
                  completed="2025-03-12 08:00", final=[50, 61, 90], certificate="revoked"),
    EnrolmentSpec("e16", "t11", "self-paced-basics", None, "2025-05-01 08:00", "2025-06-01 08:00",
                  final=[60, 65]),
    EnrolmentSpec("e17", "t14", "self-paced-basics", None, "2025-06-01 08:00", "2025-06-05 08:00"),
    EnrolmentSpec("e18", "t2", "self-paced-basics", None, "2024-10-01 08:00", "2024-10-20 08:00",
                  completed="2024-10-20 08:00", certificate="valid"),
    EnrolmentSpec("e19", "t14", "tutored-basics", "G4", "2025-04-01 08:00", "2025-06-01 08:00",
                  completed="2025-06-01 08:00", final=[90, 72], certificate="valid", pretest=64),
    EnrolmentSpec("e20", "t3", "tutored-basics", "G4", "2025-04-02 08:00", "2025-06-12 08:00", final=[55], pretest=50.5),
    EnrolmentSpec("e21", "t9", "self-paced-basics", None, "2025-04-20 08:00", "2025-04-25 08:00",
                  withdrawn="2025-05-01 08:00"),
]


@dataclass
class Programme:
    users: dict
    cohorts: dict
    enrolments: dict
    courses: dict
    institutions: dict
    beneficiaries: dict


@pytest.fixture
def programme(session, reference, imported, make_user) -> Programme:
    """The small programme of the table above, written directly into the database."""
    from lms.accounts.models import Institution, User, UserRole
    from lms.accounts.reference import DEFAULT_INSTITUTIONS
    from lms.certificates.models import Certificate
    from lms.courses.models import Enrolment
    from lms.quizzes.models import Quiz, QuizAttempt
    from lms.tutors.models import (
        Assignment,
        Cohort,
        CohortMembership,
        CohortTutor,
        Submission,
        SubmissionRound,
    )

    institutions = {}
    for code, names in DEFAULT_INSTITUTIONS.items():
        for index, name in enumerate(names):
            institutions[(code, index)] = session.scalar(select(Institution).where(Institution.name == name))
    tutor = make_user(roles=("tutor",), beneficiary="RS", full_name="A Tutor")

    finals = {}
    for slug, method in FINAL_GRADING.items():
        quiz = Quiz(course_id=imported[slug].id, module_id=None, key="final", title={"en": "Final"},
                    pass_mark=70, attempts_allowed=0, grading_method=method, review="after_submit",
                    shuffle_questions=False, shuffle_answers=False, settings_hash="x", is_retired=False)
        session.add(quiz)
        finals[slug] = quiz
    pretests = {slug: Quiz(course_id=imported[slug].id, module_id=None, key="pretest", title={"en": "Pre-test"},
                           pass_mark=0, attempts_allowed=1, grading_method="highest", review="never",
                           shuffle_questions=True, shuffle_answers=True, settings_hash="x", is_retired=False)
                for slug in PRETEST_COURSES}
    session.add_all(pretests.values())
    module_quiz = session.scalar(select(Quiz).where(Quiz.course_id == imported["tutored-casework"].id,
                                                    Quiz.module_id.is_not(None)))
    assignments = list(session.scalars(select(Assignment).where(
        Assignment.course_id == imported["tutored-casework"].id).order_by(Assignment.id)))

    users = {}
    for spec in TRAINEES:
        users[spec.key] = User(
            email=f"{spec.key}@example.org", full_name=f"Trainee {spec.key.upper()}", password_hash=None,
            beneficiary=reference[spec.beneficiary],
            institution=institutions[(spec.beneficiary, spec.institution)] if spec.institution is not None else None,
            profession=spec.profession, gender=spec.gender, language=spec.language,
            role_rows=[UserRole(role="trainee")])
    session.add_all(users.values())
    cohorts = {}
    for number, spec in enumerate(COHORTS, start=1):
        cohorts[spec.key] = Cohort(
            course_id=imported[spec.course].id, beneficiary_id=reference[spec.beneficiary].id,
            name=f"Group {spec.key}", language=spec.language, starts_on=spec.starts_on, ends_on=spec.ends_on,
            capacity=30, enrolment_key=f"KEY{number:05d}", is_open=True, allow_other_beneficiaries=True,
            created_at=NOW, version=1, tutor_rows=[CohortTutor(user_id=tutor.id)])
    session.add_all(cohorts.values())
    session.flush()

    enrolments = {}
    for number, spec in enumerate(ENROLMENTS, start=1):
        course = imported[spec.course]
        enrolment = Enrolment(
            user_id=users[spec.trainee].id, course_id=course.id,
            status="withdrawn" if spec.withdrawn else "active", enrolled_at=at(spec.enrolled),
            withdrawn_at=at(spec.withdrawn) if spec.withdrawn else None,
            completed_at=at(spec.completed) if spec.completed else None,
            completed_version=1 if spec.completed else None,
            completion_source="automatic" if spec.completed else None,
            progress_percent=100 if spec.completed else 40,
            last_activity_at=at(spec.last_activity) if spec.last_activity else None)
        session.add(enrolment)
        session.flush()
        enrolments[spec.key] = enrolment
        if spec.cohort:
            session.add(CohortMembership(cohort_id=cohorts[spec.cohort].id, enrolment_id=enrolment.id,
                                         status="withdrawn" if spec.withdrawn else "active", via="manager",
                                         joined_at=at(spec.enrolled), changed_at=at(spec.enrolled)))
        for attempt_number, score in enumerate(spec.final, start=1):
            started = at(spec.enrolled) + timedelta(days=attempt_number)
            session.add(QuizAttempt(quiz_id=finals[spec.course].id, enrolment_id=enrolment.id,
                                    number=attempt_number, state="graded", language="en", started_at=started,
                                    submitted_at=started, graded_at=started, marks=score / 10, max_marks=10.0,
                                    score=score, passed=score >= 70))
        if spec.pretest is not None:
            started = at(spec.enrolled) + timedelta(hours=1)
            session.add(QuizAttempt(quiz_id=pretests[spec.course].id, enrolment_id=enrolment.id, number=1,
                                    state="graded", language="en", started_at=started, submitted_at=started,
                                    graded_at=started, marks=spec.pretest / 10, max_marks=10.0,
                                    score=spec.pretest, passed=True))
        if spec.final:
            # Neither an attempt still awaiting its essay grade nor a module quiz counts.
            started = at(spec.enrolled) + timedelta(days=30)
            session.add(QuizAttempt(quiz_id=finals[spec.course].id, enrolment_id=enrolment.id,
                                    number=len(spec.final) + 1, state="awaiting_grading", language="en",
                                    started_at=started, submitted_at=started, marks=1.0, max_marks=10.0))
            if spec.course == "tutored-casework":
                session.add(QuizAttempt(quiz_id=module_quiz.id, enrolment_id=enrolment.id, number=1,
                                        state="graded", language="en", started_at=started,
                                        submitted_at=started, graded_at=started, marks=0.1, max_marks=10.0,
                                        score=1.0, passed=False))
        for index, (submitted, hours) in enumerate(spec.rounds):
            submission = Submission(assignment_id=assignments[index % 2].id, enrolment_id=enrolment.id,
                                    status="accepted", body="work", rounds_submitted=1,
                                    submitted_at=at(submitted), reviewed_at=at(submitted) + timedelta(hours=hours))
            submission.rounds.append(SubmissionRound(
                number=1, body="work", html="<p>work</p>", attachment_ids=[], submitted_at=at(submitted),
                reviewer_id=tutor.id, reviewed_at=at(submitted) + timedelta(hours=hours), score=5, max_score=10,
                outcome="accepted", feedback="Good."))
            # Split across two submissions of one assignment would break its uniqueness:
            # the second reviewed round of e1/e6 is its second assignment.
            session.add(submission)
        for index in range(spec.awaiting):
            submission = Submission(assignment_id=assignments[index].id, enrolment_id=enrolment.id,
                                    status="submitted", body="work", rounds_submitted=1,
                                    submitted_at=NOW - timedelta(days=3))
            submission.rounds.append(SubmissionRound(number=1, body="work", html="<p>work</p>",
                                                     attachment_ids=[], submitted_at=NOW - timedelta(days=3)))
            session.add(submission)
        if spec.certificate:
            trainee = users[spec.trainee]
            session.add(Certificate(
                enrolment_id=enrolment.id, user_id=trainee.id, course_id=course.id,
                kind="completion" if course.format == "tutored" else "accomplishment",
                code=f"CODE{number:012d}", status=spec.certificate, issued_at=at(spec.completed),
                completed_at=at(spec.completed), course_version=1, language="en", holder_name=trainee.full_name,
                course_title=course.title_in("en"), hours=Decimal(course.hours),
                beneficiary_id=(cohorts[spec.cohort].beneficiary_id if spec.cohort else trainee.beneficiary_id),
                revision=1, revoked_at=NOW if spec.certificate == "revoked" else None,
                revocation_reason="error" if spec.certificate == "revoked" else None,
                badge_salt="s", badge_identity="sha256$x"))
    session.commit()
    return Programme(users, cohorts, enrolments, imported, institutions, reference)


# --- managers ------------------------------------------------------------------------------

@pytest.fixture
def managers(make_user):
    return {
        "regional": make_user(roles=("manager",), beneficiary="MK", scope="regional", full_name="Regional"),
        "RS": make_user(roles=("manager",), beneficiary="RS", scope="national", full_name="National RS"),
        "AL": make_user(roles=("manager",), beneficiary="AL", scope="national", full_name="National AL"),
        "admin": make_user(roles=("admin",), beneficiary=None, full_name="Admin"),
        "tutor": make_user(roles=("tutor",), beneficiary="RS", full_name="Tutor"),
        "trainee": make_user(roles=("trainee",), beneficiary="RS", full_name="Trainee"),
    }


@pytest.fixture
def min_group(app):
    """Set LMS_REPORT_MIN_GROUP for one test."""
    saved = app.config["LMS_REPORT_MIN_GROUP"]

    def setter(value: int):
        app.config["LMS_REPORT_MIN_GROUP"] = value

    yield setter
    app.config["LMS_REPORT_MIN_GROUP"] = saved


# --- the plain-Python reading ------------------------------------------------------------------

TRAINEE_BY_KEY = {t.key: t for t in TRAINEES}
COHORT_BY_KEY = {c.key: c for c in COHORTS}
COURSE_FORMAT = {"tutored-casework": "tutored", "tutored-basics": "tutored", "self-paced-basics": "self-paced"}


def _method_grade(scores: list[float], method: str) -> float | None:
    if not scores:
        return None
    return {"highest": max(scores), "last": scores[-1], "first": scores[0],
            "average": round(sum(scores) / len(scores), 2)}[method]


def basis_date(spec: EnrolmentSpec, basis: str) -> datetime | None:
    return at(spec.completed) if basis == "completion" and spec.completed else (
        None if basis == "completion" else at(spec.enrolled))


def dimension_value(spec: EnrolmentSpec, dimension: str, programme: Programme, basis: str = "enrolment"):
    """What the documentation says an enrolment counts under, computed without SQL."""
    trainee = TRAINEE_BY_KEY[spec.trainee]
    cohort = COHORT_BY_KEY.get(spec.cohort)
    when = basis_date(spec, basis)
    if dimension == "beneficiary":
        return programme.beneficiaries[cohort.beneficiary if cohort else trainee.beneficiary].id
    if dimension == "language":
        return cohort.language if cohort else trainee.language
    if dimension == "institution":
        if trainee.institution is None:
            return None
        return programme.institutions[(trainee.beneficiary, trainee.institution)].id
    if dimension == "profession":
        return trainee.profession
    if dimension == "gender":
        return trainee.gender
    if dimension == "course":
        return programme.courses[spec.course].id
    if dimension == "format":
        return COURSE_FORMAT[spec.course]
    if dimension == "cohort":
        return programme.cohorts[spec.cohort].id if spec.cohort else None
    if dimension == "month":
        return f"{when.year:04d}-{when.month:02d}"
    if dimension == "quarter":
        return f"{when.year:04d}-Q{(when.month + 2) // 3}"
    if dimension == "year":
        return f"{when.year:04d}"
    raise ValueError(dimension)


def expected_measures(specs: list[EnrolmentSpec], now: datetime = NOW) -> dict:
    """Every measure over some enrolments, by the definitions of docs/reports.md."""
    cutoff = now - timedelta(days=30)
    completed = [s for s in specs if s.completed]
    finals = [g for g in (_method_grade(s.final, FINAL_GRADING[s.course]) for s in specs) if g is not None]
    days = [(at(s.completed).date() - at(s.enrolled).date()).days for s in completed]
    rounds = [int(hours * 3600) / 3600 for s in specs for _submitted, hours in s.rounds]
    pairs = [(s.pretest, _method_grade(s.final, FINAL_GRADING[s.course])) for s in specs
             if s.pretest is not None and s.final]
    return {
        "enrolled": len(specs),
        "trainees": len({s.trainee for s in specs}),
        "active": sum(1 for s in specs if not s.withdrawn and s.last_activity and at(s.last_activity) >= cutoff),
        "completed": len(completed),
        "trainees_completed": len({s.trainee for s in completed}),
        "withdrawn": sum(1 for s in specs if s.withdrawn),
        "completion_rate": 100.0 * len(completed) / len(specs) if specs else None,
        "certificates_issued": sum(1 for s in specs if s.certificate),
        "certificates_revoked": sum(1 for s in specs if s.certificate == "revoked"),
        # The statistics fixture's courses give no validity period: nothing expires or is renewed.
        "certificates_valid": sum(1 for s in specs if s.certificate == "valid"),
        "certificates_expired": 0,
        "certificates_renewed": 0,
        "average_final_score": sum(finals) / len(finals) if finals else None,
        "median_final_score": statistics.median(finals) if finals else None,
        "gain_pairs": len(pairs),
        "mean_pre_score": statistics.fmean(p for p, _f in pairs) if pairs else None,
        "mean_paired_final_score": statistics.fmean(f for _p, f in pairs) if pairs else None,
        "knowledge_gain": statistics.fmean(f - p for p, f in pairs) if pairs else None,
        "median_days_to_completion": statistics.median(days) if days else None,
        "median_grading_hours": statistics.median(rounds) if rounds else None,
        "awaiting_review": sum(s.awaiting for s in specs),
    }


def population(basis: str = "enrolment") -> list[EnrolmentSpec]:
    return [s for s in ENROLMENTS if basis_date(s, basis) is not None]


def spec(key: str) -> EnrolmentSpec:
    return next(s for s in ENROLMENTS if s.key == key)


def db_session():
    return db.session
