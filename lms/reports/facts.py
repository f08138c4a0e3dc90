"""The per-enrolment facts every figure of programme statistics is aggregated from.

One row per enrolment of the population (the viewer's scope, the filters, the period):
who, where, which course and group, which dates, its final score, its certificate, its
submissions awaiting review, and its value of each dimension asked for, read from the
fact table (``lms.reports.models.EnrolmentFact``); ``lms.reports.aggregates`` groups them.

The same facts derived from the records themselves (``final_scores``, ``awaiting_reviews``,
``population`` over ``enrolment_joins``) keep the fact table current
(``lms.reports.fact_rows``) and serve the per-trainee export, which reads every row anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Float, and_, case, cast, false, func, select
from sqlalchemy.orm import Session, scoped_session

from lms.accounts.models import User
from lms.certificates.models import VALID
from lms.core.models import utcnow
from lms.courses.models import Course, Enrolment
from lms.quizzes.models import AVERAGE, FINAL_KEY, FIRST, GRADED, HIGHEST, LAST, Quiz, QuizAttempt
from lms.reports.dimensions import COHORT, COUNTED_BENEFICIARY, COURSE, DIMENSIONS, USER
from lms.reports.filters import COMPLETION, Filters
from lms.reports.models import EnrolmentFact
from lms.reports.sql_dialects import days_between, dialect_of, round2
from lms.tutors.models import SUBMITTED, Cohort, CohortMembership, Submission

# What each measure needs in the facts besides the enrolment itself.
NEEDS = {
    # Issued and revoked read the fact row's certificate status; the others its expiry and
    # renewal too, kept in the same row.
    "certificates_issued": "certificate_status", "certificates_revoked": "certificate_status",
    "certificates_valid": "certificate", "certificates_expired": "certificate",
    "certificates_renewed": "certificate",
    "average_final_score": "final_score", "median_final_score": "final_score",
    "median_days_to_completion": "days", "awaiting_review": "awaiting",
    "mean_pre_score": "gain", "mean_paired_final_score": "gain", "knowledge_gain": "gain",
}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The period as [start, end) instants: whole UTC days, the end day included."""
    start = _start(filters.start) if filters.start else None
    end = _start(filters.end + timedelta(days=1)) if filters.end else None
    return start, end


def basis_column(filters: Filters):
    """The date the period and the period dimensions apply to."""
    return Enrolment.completed_at if filters.basis == COMPLETION else Enrolment.enrolled_at


def final_scores(dialect: str, within=None, *, key: str = FINAL_KEY, name: str = "final_score"):
    """One row per enrolment with a graded final-assessment attempt: its grade, by the
    quiz's grading method (highest, last, first, or the average rounded to 2 decimals).

    ``within`` (a SELECT of enrolment ids) limits it to a few enrolments, read by index.
    ``key="pretest", name="pretest_score"``: the same of the course's pre-test.
    """
    attempts = (
        select(QuizAttempt.enrolment_id, QuizAttempt.score, Quiz.grading_method,
               func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                      order_by=QuizAttempt.number).label("from_first"),
               func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                      order_by=QuizAttempt.number.desc()).label("from_last"))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.key == key, Quiz.module_id.is_(None), QuizAttempt.state == GRADED,
               QuizAttempt.score.is_not(None))
    )
    if within is not None:
        attempts = attempts.where(QuizAttempt.enrolment_id.in_(within))
    graded = attempts.subquery(f"{key}_attempts")
    grade = case(
        (graded.c.grading_method == HIGHEST, func.max(graded.c.score)),
        (graded.c.grading_method == LAST, func.max(case((graded.c.from_last == 1, graded.c.score)))),
        (graded.c.grading_method == FIRST, func.max(case((graded.c.from_first == 1, graded.c.score)))),
        (graded.c.grading_method == AVERAGE, round2(func.avg(graded.c.score), dialect)),
    )
    return (select(graded.c.enrolment_id, cast(grade, Float).label(name))
            .group_by(graded.c.enrolment_id, graded.c.grading_method)).subquery(f"{name}s")


def awaiting_reviews(within=None):
    """One row per enrolment with case-study submissions awaiting a tutor's review: how many."""
    query = select(Submission.enrolment_id, func.count(Submission.id).label("awaiting")).where(
        Submission.status == SUBMITTED)
    if within is not None:
        query = query.where(Submission.enrolment_id.in_(within))
    return query.group_by(Submission.enrolment_id).subquery("awaiting")


@dataclass(frozen=True)
class Joins:
    """The tables a query must join to the enrolment: only those its dimensions, filters and
    scope read (a regional overview's total needs none)."""

    user: bool = True
    cohort: bool = True
    course: bool = False

    @classmethod
    def needed(cls, filters: Filters, scope: set[int] | None, dims: Sequence[str] = (), *,
               cohort: bool = False) -> Joins:
        reads = {table for key in (*dims, *filters.chosen) for table in DIMENSIONS[key].reads}
        if scope is not None:
            reads |= DIMENSIONS["beneficiary"].reads
        return cls(user=USER in reads, cohort=cohort or COHORT in reads, course=COURSE in reads)


def unrestricted(filters: Filters, scope: set[int] | None, period: bool = True) -> bool:
    """Every enrolment counts: no scope, no filter, no period."""
    return (scope is None and not filters.chosen
            and not (period and (filters.has_period or filters.basis == COMPLETION)))


def population(query, filters: Filters, scope: set[int] | None, *, period: bool = True):
    """Restrict a select over Enrolment ⋈ User ⟕ CohortMembership ⟕ Cohort (⋈ Course) to the
    viewer's scope and the filters; the period applies to the basis date."""
    if scope is not None:
        query = query.where(COUNTED_BENEFICIARY.in_(sorted(scope)) if scope else false())
    for key, member in filters.chosen.items():
        query = query.where(DIMENSIONS[key].expression() == member.key)
    if period:
        column = basis_column(filters)
        start, end = period_bounds(filters)
        if filters.basis == COMPLETION:
            query = query.where(Enrolment.completed_at.is_not(None))
        if start is not None:
            query = query.where(column >= start)
        if end is not None:
            query = query.where(column < end)
    return query


def enrolment_joins(query, joins: Joins = Joins()):
    query = query.select_from(Enrolment)
    if joins.user:
        query = query.join(User, User.id == Enrolment.user_id)
    if joins.cohort:
        query = (query.outerjoin(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
                 .outerjoin(Cohort, Cohort.id == CohortMembership.cohort_id))
    if joins.course:
        query = query.join(Course, Course.id == Enrolment.course_id)
    return query


# --- reading the fact table ---------------------------------------------------------------------

FACT = EnrolmentFact


def fact_basis(filters: Filters):
    """The fact column the period and the period dimensions apply to."""
    return FACT.completed_at if filters.basis == COMPLETION else FACT.enrolled_at


def fact_population(query, filters: Filters, scope: set[int] | None, *, period: bool = True):
    """Restrict a select over ``EnrolmentFact`` to the viewer's scope and the filters; the
    period applies to the basis date."""
    if scope is not None:
        query = query.where(FACT.beneficiary.in_(sorted(scope)) if scope else false())
    for key, member in filters.chosen.items():
        query = query.where(DIMENSIONS[key].fact() == member.key)
    if period:
        column = fact_basis(filters)
        start, end = period_bounds(filters)
        if filters.basis == COMPLETION:
            query = query.where(FACT.completed_at.is_not(None))
        if start is not None:
            query = query.where(column >= start)
        if end is not None:
            query = query.where(column < end)
    return query


def facts(filters: Filters, scope: set[int] | None, *, dims: Sequence[str], measures: Iterable[str],
          dialect: str, period: bool = True, where: Sequence = (), now: datetime | None = None):
    """One row per enrolment of the population, with the dimension keys and what the measures
    read: a select over the fact table alone (a certificate's expiry is judged at ``now``, by
    default the present)."""
    needs = {NEEDS[m] for m in measures if m in NEEDS}
    basis = fact_basis(filters)
    columns = [FACT.enrolment_id, FACT.user_id, FACT.status, FACT.completed_at, FACT.last_activity_at]
    columns += [DIMENSIONS[key].fact(basis, dialect).label(f"d_{key}") for key in dims]
    if "days" in needs:
        columns.append(days_between(FACT.enrolled_at, FACT.completed_at, dialect).label("days"))
    if "certificate_status" in needs and "certificate" not in needs:
        columns.append(FACT.certificate_status)
    if "certificate" in needs:
        moment = now or utcnow()
        columns += [FACT.certificate_status,
                    case((and_(FACT.certificate_status == VALID, FACT.certificate_expires_at <= moment), 1),
                         else_=0).label("certificate_expired"),
                    FACT.certificate_renewed]
    if "final_score" in needs or "gain" in needs:
        columns.append(FACT.final_score)
    if "gain" in needs:
        columns.append(FACT.pretest_score)
    if "awaiting" in needs:
        columns.append(FACT.awaiting_review.label("awaiting"))
    query = select(*columns).where(*where)
    return fact_population(query, filters, scope, period=period)


WORK_MEM = re.compile(r"^\d{1,6}\s?(kB|MB|GB)$")


def tune(session: Session) -> None:
    """PostgreSQL: settings for this transaction's report queries only. Sorts and hashes get
    LMS_REPORT_WORK_MEM before spilling to disk; and index look-ups are priced as what they
    are on a database held in memory (1.1, not the 4.0 of spinning disks), so that a group's
    few hundred enrolments are read by index rather than by scanning every table."""
    if dialect_of(session) != "postgresql":
        return
    value = current_app.config.get("LMS_REPORT_WORK_MEM") if has_app_context() else None
    if isinstance(session, scoped_session):
        session = session()
    transaction = session.get_transaction()
    if transaction is not None and session.info.get("lms_report_tuned") is transaction:  # once per transaction
        return
    connection = session.connection()
    if value and WORK_MEM.match(value):
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{value}'")
    connection.exec_driver_sql("SET LOCAL random_page_cost = 1.1")
    session.info["lms_report_tuned"] = session.get_transaction()
