"""The statistics' fact table always says what the records say: each event through the
operations, a rollback, a rebuild, compared row by row with the facts derived afresh."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from lms.certificates.models import Certificate
from lms.certificates.operations.manager_actions import revoke
from lms.courses.models import Enrolment
from lms.courses.operations import complete_lesson, ensure_enrolment
from lms.courses.operations.enrolment import withdraw
from lms.extensions import db
from lms.quizzes.models import Quiz, QuizAttempt
from lms.reports.fact_rows import FACT_TABLE, REVIEW_TABLE, review_truth, truth
from lms.reports.models import EnrolmentFact
from lms.reports.sql_dialects import dialect_of
from lms.tutors.models import Cohort, Submission, SubmissionRound
from lms.tutors.operations.membership import admit
from tests.certificates.conftest import lessons_of
from tests.reports.conftest import NOW


def _rows(result) -> dict[int, tuple]:
    """enrolment id → its facts, scores rounded (SQLite and PostgreSQL differ in the last digit)."""
    return {row[0]: tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in result}


def kept(session) -> dict[int, tuple]:
    """The fact rows, and the reviewed rounds' under negative keys."""
    rounds = {-row[0]: tuple(row) for row in session.execute(select(*REVIEW_TABLE.columns))}
    return _rows(session.execute(select(*FACT_TABLE.columns))) | rounds


def derived(session) -> dict[int, tuple]:
    dialect = dialect_of(session)
    rounds = {-row[0]: tuple(row) for row in session.execute(review_truth(dialect))}
    return _rows(session.execute(truth(dialect))) | rounds


def assert_current(session) -> dict[int, tuple]:
    session.flush()
    found, expected = kept(session), derived(session)
    assert found == expected
    return found


def fact_of(session, enrolment) -> EnrolmentFact:
    session.flush()
    session.expire_all()
    return session.get(EnrolmentFact, enrolment.id)


def test_the_programme_written_record_by_record_has_one_fact_row_per_enrolment(session, programme):
    found = assert_current(session)
    enrolments = [key for key in found if key > 0]
    assert len(enrolments) == session.scalar(select(db.func.count(Enrolment.id))) == len(programme.enrolments)
    assert len(found) - len(enrolments) == session.scalar(
        select(db.func.count(SubmissionRound.id)).where(SubmissionRound.reviewed_at.is_not(None))) > 0


def test_each_event_updates_the_facts_in_its_own_transaction(session, imported, make_user, reference):
    tutored, self_paced = imported["tutored-casework"], imported["self-paced-basics"]
    trainee = make_user(beneficiary="RS", profession="prison_officer", gender="female", language="sr_Latn")
    manager = make_user(roles=("admin",), beneficiary=None)

    enrolment, _ = ensure_enrolment(session, trainee, self_paced)                      # enrolment
    fact = fact_of(session, enrolment)
    assert (fact.status, fact.progress_percent, fact.beneficiary, fact.cohort) == (
        "active", 0, reference["RS"].id, None)
    assert_current(session)

    lessons = lessons_of(session, self_paced)
    complete_lesson(session, trainee, lessons[0])                                      # progress
    fact = fact_of(session, enrolment)
    assert fact.progress_percent > 0 and fact.last_activity_at is not None and fact.completed_at is None
    assert_current(session)

    for lesson in lessons[1:]:                                                         # completion
        complete_lesson(session, trainee, lesson)
    fact = fact_of(session, enrolment)
    assert fact.completed_at is not None and fact.certificate_status == "valid"         # certificate
    assert_current(session)

    certificate = session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    revoke(session, manager, certificate, reason="Issued for the wrong course by mistake.")
    assert fact_of(session, enrolment).certificate_status == "revoked"
    assert_current(session)

    final = Quiz(course_id=self_paced.id, module_id=None, key="final", title={"en": "Final"}, pass_mark=70,
                 attempts_allowed=0, grading_method="highest", review="after_submit", shuffle_questions=False,
                 shuffle_answers=False, settings_hash="x", is_retired=False)
    session.add(final)
    session.flush()
    attempt = QuizAttempt(quiz_id=final.id, enrolment_id=enrolment.id, number=1, state="awaiting_grading",
                          language="en", started_at=NOW, submitted_at=NOW, max_marks=10.0)
    session.add(attempt)
    assert fact_of(session, enrolment).final_score is None
    attempt.state, attempt.score, attempt.marks, attempt.graded_at, attempt.passed = "graded", 64.0, 6.4, NOW, False
    assert fact_of(session, enrolment).final_score == 64.0                               # grading
    session.add(QuizAttempt(quiz_id=final.id, enrolment_id=enrolment.id, number=2, state="graded", language="en",
                            started_at=NOW, submitted_at=NOW, graded_at=NOW, marks=8.0, max_marks=10.0, score=80.0,
                            passed=True))
    assert fact_of(session, enrolment).final_score == 80.0
    final.grading_method = "first"                                                     # the quiz's rule
    assert fact_of(session, enrolment).final_score == 64.0
    assert_current(session)

    trainee.profession, trainee.beneficiary_id = "psychologist", reference["AL"].id      # the profile
    fact = fact_of(session, enrolment)
    assert (fact.profession, fact.beneficiary) == ("psychologist", reference["AL"].id)
    assert_current(session)

    withdraw(session, enrolment)                                                       # withdrawal
    assert fact_of(session, enrolment).status == "withdrawn"
    ensure_enrolment(session, trainee, self_paced)                                     # re-admission
    assert fact_of(session, enrolment).status == "active"
    assert_current(session)

    cohort = Cohort(course_id=tutored.id, beneficiary_id=reference["AL"].id, name="Group AL", language="sq",
                    starts_on=NOW.date(), ends_on=NOW.date(), capacity=30, enrolment_key="KEYFACTS1",
                    is_open=True, allow_other_beneficiaries=True, created_at=NOW, version=1)
    session.add(cohort)
    session.flush()
    admit(session, cohort, trainee, via="manager", actor=manager)                      # joining a group
    in_group = session.scalar(select(Enrolment).where(Enrolment.user_id == trainee.id,
                                                      Enrolment.course_id == tutored.id))
    fact = fact_of(session, in_group)
    assert (fact.cohort, fact.language, fact.format) == (cohort.id, "sq", "tutored")
    cohort.language = "en"                                                             # the group's language
    assert fact_of(session, in_group).language == "en"
    assert_current(session)


def test_submissions_awaiting_review_and_review_times_follow_the_tutors_work(session, programme):
    submission = session.scalar(select(Submission).where(Submission.status == "submitted").order_by(Submission.id))
    enrolment = session.get(Enrolment, submission.enrolment_id)
    before = fact_of(session, enrolment).awaiting_review
    submission.status = "accepted"
    assert fact_of(session, enrolment).awaiting_review == before - 1
    reviewed = session.scalar(select(SubmissionRound).where(SubmissionRound.reviewed_at.is_not(None))
                              .order_by(SubmissionRound.id))
    reviewed.reviewed_at = reviewed.submitted_at + timedelta(hours=7)                   # a review's time
    session.flush()
    assert session.scalar(select(REVIEW_TABLE.c.seconds).where(
        REVIEW_TABLE.c.submission_round_id == reviewed.id)) == 7 * 3600
    assert_current(session)


def test_a_rolled_back_change_takes_its_fact_rows_with_it(session, programme):
    before = assert_current(session)
    session.commit()
    enrolment = session.scalar(select(Enrolment).where(Enrolment.status == "active").order_by(Enrolment.id))
    withdraw(session, enrolment)
    assert kept(session)[enrolment.id] != before[enrolment.id]
    session.rollback()
    assert kept(session) == before


def test_rebuild_facts_derives_rows_written_past_the_application_again(app, session, programme):
    before = assert_current(session)
    session.execute(delete(FACT_TABLE).where(FACT_TABLE.c.enrolment_id == min(before)))
    session.execute(update(FACT_TABLE).values(awaiting_review=99))
    session.commit()
    assert kept(session) != before

    result = app.test_cli_runner().invoke(args=["reports", "rebuild-facts"])
    assert result.exit_code == 0, result.output
    assert f"{len([key for key in before if key > 0]):,} enrolments" in result.output
    session.expire_all()
    assert kept(session) == before
