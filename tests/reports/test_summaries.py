"""The overview's summary always says what the fact rows say: after each event through the
operations (or the records), a deletion, a rollback and a rebuild, its rows equal those added
up afresh, and the overview's figures read from it equal those computed over the fact table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from lms.certificates.models import Certificate
from lms.certificates.operations.manager_actions import revoke
from lms.core.models import utcnow
from lms.courses.models import Enrolment
from lms.courses.operations import complete_lesson, ensure_enrolment
from lms.courses.operations.enrolment import withdraw
from lms.quizzes.models import Quiz, QuizAttempt
from lms.reports import aggregates, summaries
from lms.reports.fact_rows import FACT_TABLE, REVIEW_TABLE, rebuild
from lms.reports.filters import Filters
from lms.reports.measures import HEADLINE
from lms.reports.operations import BENEFICIARY_MEASURES
from lms.reports.summaries import EVERY, SUMMARY
from lms.tutors.models import Cohort, Submission, SubmissionRound
from lms.tutors.operations.membership import admit
from tests.certificates.conftest import lessons_of
from tests.reports.conftest import NOW


def kept(session) -> dict:
    return {(row.scope, row.kind, row.value): row.n
            for row in session.execute(select(*SUMMARY.columns).where(SUMMARY.c.n != 0))}


def added_up(session) -> dict:
    facts = session.execute(select(*summaries.COLUMNS)).all()
    rounds = session.execute(select(REVIEW_TABLE.c.enrolment_id, REVIEW_TABLE.c.seconds)).all()
    return {key: n for key, n in summaries.contributions(facts, rounds).items() if n}


def _rounded(cells: dict) -> dict:
    return {key: {m: round(v, 9) if isinstance(v, float) else v for m, v in cell.items()}
            for key, cell in cells.items()}


def _beneficiaries(session) -> set[int]:
    return {b for b in session.scalars(select(FACT_TABLE.c.beneficiary).distinct()) if b is not None}


def assert_summary_current(session, now=None) -> dict:
    """The summary's rows equal those added up from the fact rows, and so do the overview's
    figures, for every enrolment and for each beneficiary (as scope and as filter)."""
    session.flush()
    found = kept(session)
    assert found == added_up(session)
    now = now or utcnow()
    cases = [(Filters(), None)]
    for beneficiary in sorted(_beneficiaries(session)):
        cases += [(Filters(), {beneficiary}), (Filters.of(beneficiary=beneficiary), None)]
    for filters, scope in cases:
        direct = aggregates.figures(session, filters, scope, dims=["beneficiary"], now=now, parts=[
            aggregates.Part(("beneficiary",), BENEFICIARY_MEASURES), aggregates.Part((), HEADLINE)])
        summed = summaries.figures(session, filters, scope, now=now, table=BENEFICIARY_MEASURES, headline=HEADLINE)
        assert summed is not None
        for level in (0, 1):
            assert _rounded(summed.at(level)) == _rounded(direct.at(level)), (filters, scope, level)
        earliest, monthly = summaries.trend_counts(session, filters, scope)
        first = aggregates.earliest_enrolment(session, filters, scope)
        assert earliest == (first.date().replace(day=1) if first else None)
        if first:
            start = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            counts = aggregates.monthly_counts(session, filters, scope, start, now + timedelta(days=1))
            for series, by_month in counts.items():
                assert {int(code[:4]) * 100 + int(code[5:]): n for code, n in by_month.items()} == {
                    month: n for month, n in monthly[series].items()
                    if month <= now.year * 100 + now.month}
    return found


def test_the_programme_written_record_by_record_is_summed_up(session, programme):
    found = assert_summary_current(session, NOW)
    assert found[(EVERY, "enrolled", 0.0)] == len(programme.enrolments)
    assert found[(EVERY, "trainees", 0.0)] < found[(EVERY, "enrolled", 0.0)]     # a person counts once


def test_each_event_updates_the_summary_in_its_own_transaction(session, imported, make_user, reference):
    tutored, self_paced = imported["tutored-casework"], imported["self-paced-basics"]
    trainee = make_user(beneficiary="RS", profession="prison_officer", gender="female", language="sr_Latn")
    other = make_user(beneficiary="AL", profession="psychologist", gender="male", language="sq")
    manager = make_user(roles=("admin",), beneficiary=None)

    enrolment, _ = ensure_enrolment(session, trainee, self_paced)                      # enrolment
    ensure_enrolment(session, other, self_paced)
    found = assert_summary_current(session)
    assert found[(EVERY, "trainees", 0.0)] == 2

    lessons = lessons_of(session, self_paced)
    complete_lesson(session, trainee, lessons[0])                                      # a lesson done
    assert_summary_current(session)
    for lesson in lessons[1:]:                                                         # completion
        complete_lesson(session, trainee, lesson)
    found = assert_summary_current(session)                                            # certificate issued
    assert found[(reference["RS"].id, "trainees_completed", 0.0)] == found[(reference["RS"].id, "valid", 0.0)] == 1

    certificate = session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    certificate.expires_at = utcnow() - timedelta(days=3)                              # expired
    found = assert_summary_current(session)
    assert sum(n for (scope, kind, _), n in found.items() if scope == EVERY and kind == "valid_expiry") == 1
    certificate.expires_at = utcnow() - timedelta(seconds=1)                            # expired today, by the minute
    assert_summary_current(session)
    certificate.expires_at = utcnow() + timedelta(days=400)                             # renewed: a later expiry
    certificate.renewed_by_id = certificate.id
    found = assert_summary_current(session)
    assert found[(EVERY, "renewed", 0.0)] == 1
    certificate.renewed_by_id = None
    revoke(session, manager, certificate, reason="Issued for the wrong course by mistake.")
    found = assert_summary_current(session)
    assert found[(EVERY, "revoked", 0.0)] == 1 and (EVERY, "valid", 0.0) not in found

    final = Quiz(course_id=self_paced.id, module_id=None, key="final", title={"en": "Final"}, pass_mark=70,
                 attempts_allowed=0, grading_method="highest", review="after_submit", shuffle_questions=False,
                 shuffle_answers=False, settings_hash="x", is_retired=False)
    pretest = Quiz(course_id=self_paced.id, module_id=None, key="pretest", title={"en": "Pre-test"}, pass_mark=0,
                   attempts_allowed=1, grading_method="highest", review="never", shuffle_questions=True,
                   shuffle_answers=True, settings_hash="x", is_retired=False)
    session.add_all([final, pretest])
    session.flush()
    attempt = QuizAttempt(quiz_id=final.id, enrolment_id=enrolment.id, number=1, state="awaiting_grading",
                          language="en", started_at=NOW, submitted_at=NOW, max_marks=10.0)
    session.add(attempt)
    assert_summary_current(session)
    attempt.state, attempt.score, attempt.marks, attempt.graded_at, attempt.passed = "graded", 64.5, 6.45, NOW, False
    found = assert_summary_current(session)                                            # quiz graded
    assert found[(EVERY, "final", 64.5)] == 1
    session.add(QuizAttempt(quiz_id=pretest.id, enrolment_id=enrolment.id, number=1, state="graded", language="en",
                            started_at=NOW, submitted_at=NOW, graded_at=NOW, marks=3.3, max_marks=10.0, score=33.3,
                            passed=True))
    found = assert_summary_current(session)                                            # a pre-test: a pair
    assert found[(EVERY, "paired_pre", 33.3)] == found[(EVERY, "paired_final", 64.5)] == 1
    final.grading_method = "average"                                                   # the quiz's rule
    assert_summary_current(session)

    trainee.beneficiary_id = reference["AL"].id                                        # the profile
    found = assert_summary_current(session)
    assert (reference["RS"].id, "enrolled", 0.0) not in found
    assert found[(reference["AL"].id, "trainees", 0.0)] == 2

    withdraw(session, enrolment)                                                       # withdrawal
    found = assert_summary_current(session)
    assert found[(EVERY, "withdrawn", 0.0)] == 1
    ensure_enrolment(session, trainee, self_paced)                                     # re-admission
    assert_summary_current(session)

    cohort = Cohort(course_id=tutored.id, beneficiary_id=reference["XK"].id, name="Group XK", language="sq",
                    starts_on=NOW.date(), ends_on=NOW.date(), capacity=30, enrolment_key="KEYSUMS1",
                    is_open=True, allow_other_beneficiaries=True, created_at=NOW, version=1)
    session.add(cohort)
    session.flush()
    admit(session, cohort, trainee, via="manager", actor=manager)                      # joining a group
    found = assert_summary_current(session)
    assert found[(reference["XK"].id, "trainees", 0.0)] == 1 and found[(EVERY, "trainees", 0.0)] == 2
    session.commit()
    assert_summary_current(session)


def test_case_studies_sent_and_reviewed_follow_the_tutors_work(session, programme):
    submission = session.scalar(select(Submission).where(Submission.status == "submitted").order_by(Submission.id))
    submission.status = "accepted"                                                     # a case study graded
    assert_summary_current(session, NOW)
    reviewed = list(session.scalars(select(SubmissionRound).where(SubmissionRound.reviewed_at.is_not(None))
                                    .order_by(SubmissionRound.id)))
    reviewed[0].reviewed_at = reviewed[0].submitted_at + timedelta(hours=7, minutes=5)  # a review's time
    assert_summary_current(session, NOW)
    reviewed[1].reviewed_at = None                                                     # back in the queue
    assert_summary_current(session, NOW)
    session.delete(reviewed[2])
    assert_summary_current(session, NOW)


def test_deleting_an_enrolment_or_a_person_takes_what_they_counted(session, imported, make_user, reference):
    self_paced, tutored = imported["self-paced-basics"], imported["tutored-basics"]
    trainee = make_user(beneficiary="RS", language="en")
    one, _ = ensure_enrolment(session, trainee, self_paced)
    ensure_enrolment(session, trainee, tutored)
    leaving = make_user(beneficiary="AL", language="en")
    ensure_enrolment(session, leaving, self_paced)
    before = assert_summary_current(session)

    session.delete(one)                                                                # a deletion
    found = assert_summary_current(session)
    assert found[(EVERY, "enrolled", 0.0)] == before[(EVERY, "enrolled", 0.0)] - 1
    assert found[(EVERY, "trainees", 0.0)] == before[(EVERY, "trainees", 0.0)]         # still enrolled once

    for enrolment in session.scalars(select(Enrolment).where(Enrolment.user_id == leaving.id)):
        session.delete(enrolment)
    found = assert_summary_current(session)
    assert (reference["AL"].id, "trainees", 0.0) not in found


def test_a_rolled_back_change_takes_its_summary_with_it(session, programme):
    before = assert_summary_current(session, NOW)
    session.commit()
    enrolment = session.scalar(select(Enrolment).where(Enrolment.status == "active").order_by(Enrolment.id))
    withdraw(session, enrolment)
    assert kept(session) != before
    session.rollback()
    assert kept(session) == before
    assert_summary_current(session, NOW)


def test_rebuild_adds_the_summary_up_again(app, session, programme):
    before = assert_summary_current(session, NOW)
    session.execute(delete(SUMMARY).where(SUMMARY.c.kind == "final"))
    session.execute(update(SUMMARY).values(n=SUMMARY.c.n + 1).where(SUMMARY.c.kind == "enrolled"))
    session.commit()
    assert kept(session) != before
    rebuild(session)
    session.commit()
    assert kept(session) == before


def test_a_filter_the_summary_does_not_hold_is_computed_over_the_fact_rows(session, programme, reference):
    rs, al = reference["RS"].id, reference["AL"].id
    assert summaries.scope_key(Filters(), None) == EVERY
    assert summaries.scope_key(Filters(), {rs}) == rs
    assert summaries.scope_key(Filters.of(beneficiary=rs), {rs, al}) == rs
    assert summaries.scope_key(Filters(), {rs, al}) is None                           # people counted twice
    assert summaries.scope_key(Filters.of(course=1), None) is None
    assert summaries.scope_key(Filters.of(start=NOW.date()), None) is None
    assert summaries.scope_key(Filters.of(basis="completion"), None) is None
    assert summaries.scope_key(Filters.of(basis="completion"), None, period=False) == EVERY
    assert summaries.figures(session, Filters.of(course=1), None, now=NOW, table=(), headline=HEADLINE) is None
    assert summaries.trend_counts(session, Filters.of(start=NOW.date()), None) is None
