"""Keeping ``EnrolmentFact`` current: one mechanism, the session's flush.

After every flush, the enrolments whose facts the flushed changes alter are found (an
enrolment enrolled, progressing, completing or withdrawn; an attempt graded; a certificate
issued, revoked, renewed or given another expiry; a submission sent or reviewed; a membership of a group; an account's
beneficiary, institution, profession, gender or language; a group's beneficiary or language;
a course's format; a quiz's grading method; a case-study round submitted or reviewed) and
their rows are derived again from the
records by ``truth`` — the same statement the migration back-fills with and
``lms reports rebuild-facts`` rebuilds with — in the same transaction. A rolled-back change
takes its fact rows with it. The overview's summary (``lms.reports.summaries``) is kept in the
same step: what the people concerned counted before, and after.

Writes that bypass the session's unit of work (``lms.reports.bulk_insert``) call
``rebuild`` when they are done.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Integer, case, cast, delete, event, false, func, insert, inspect, or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.core.data_version import note_change
from lms.courses.models import Course, Enrolment
from lms.quizzes.models import PRETEST_KEY, Quiz, QuizAttempt
from lms.reports import summaries
from lms.reports.dimensions import DIMENSIONS
from lms.reports.facts import Joins, awaiting_reviews, enrolment_joins, final_scores
from lms.reports.models import EnrolmentFact, ReviewFact
from lms.reports.sql_dialects import dialect_of, seconds_between
from lms.tutors.models import Cohort, CohortMembership, Submission, SubmissionRound

FACT_TABLE = EnrolmentFact.__table__
REVIEW_TABLE = ReviewFact.__table__
EVERY_JOIN = Joins(user=True, cohort=True, course=True)
DIMENSION_COLUMNS = ("beneficiary", "institution", "profession", "gender", "course", "format", "cohort", "language")


def _by(column):
    return lambda keys: column.in_(keys)


def _attempting(keys):
    return Enrolment.id.in_(select(QuizAttempt.enrolment_id).where(QuizAttempt.quiz_id.in_(keys)))


def _submitting(keys):
    return Enrolment.id.in_(select(Submission.enrolment_id).where(Submission.id.in_(keys)))


# For each record that facts are derived from: its attribute naming what it belongs to, the
# enrolments a change of it alters (a condition on the joined records, given the values of
# that attribute), and the attributes whose change does. A new or deleted record always counts.
WATCHED = {
    Enrolment: ("id", _by(Enrolment.id), {"user_id", "course_id", "status", "enrolled_at", "completed_at",
                                          "last_activity_at", "progress_percent"}),
    QuizAttempt: ("enrolment_id", _by(Enrolment.id), {"enrolment_id", "quiz_id", "number", "state", "score"}),
    Certificate: ("enrolment_id", _by(Enrolment.id), {"enrolment_id", "status", "expires_at", "renewed_by_id"}),
    Submission: ("enrolment_id", _by(Enrolment.id), {"enrolment_id", "status"}),
    SubmissionRound: ("submission_id", _submitting, {"submission_id", "submitted_at", "reviewed_at"}),
    CohortMembership: ("enrolment_id", _by(Enrolment.id), {"enrolment_id", "cohort_id"}),
    User: ("id", _by(Enrolment.user_id), {"beneficiary_id", "institution_id", "profession", "gender", "language"}),
    Cohort: ("id", _by(CohortMembership.cohort_id), {"beneficiary_id", "language"}),
    Course: ("id", _by(Enrolment.course_id), {"format"}),
    Quiz: ("id", _attempting, {"key", "module_id", "grading_method"}),
}


def truth(dialect: str, *conditions):
    """Every column of ``EnrolmentFact``, derived from the records, for the enrolments that
    meet ``conditions`` on Enrolment ⋈ User ⟕ CohortMembership ⟕ Cohort ⋈ Course (all of them
    without)."""
    within = None
    if conditions:
        within = enrolment_joins(select(Enrolment.id), EVERY_JOIN).where(or_(*conditions))
    final = final_scores(dialect, within)
    pretest = final_scores(dialect, within, key=PRETEST_KEY, name="pretest_score")
    awaiting = awaiting_reviews(within)
    columns = [Enrolment.id.label("enrolment_id"), Enrolment.user_id.label("user_id")]
    columns += [DIMENSIONS[key].expression().label(key) for key in DIMENSION_COLUMNS]
    columns += [Enrolment.status, Enrolment.enrolled_at, Enrolment.completed_at, Enrolment.last_activity_at,
                Enrolment.progress_percent, final.c.final_score, pretest.c.pretest_score,
                Certificate.status.label("certificate_status"),
                Certificate.expires_at.label("certificate_expires_at"),
                cast(case((Certificate.renewed_by_id.is_not(None), 1), else_=0), Integer).label("certificate_renewed"),
                cast(func.coalesce(awaiting.c.awaiting, 0), Integer).label("awaiting_review")]
    query = (enrolment_joins(select(*columns), EVERY_JOIN)
             .outerjoin(final, final.c.enrolment_id == Enrolment.id)
             .outerjoin(pretest, pretest.c.enrolment_id == Enrolment.id)
             .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
             .outerjoin(awaiting, awaiting.c.enrolment_id == Enrolment.id))
    if conditions:
        query = query.where(or_(*conditions))
    return query


def review_truth(dialect: str, within=None):
    """Every column of ``ReviewFact``, derived from the reviewed rounds (of the enrolments
    ``within`` selects, or of all)."""
    query = (select(SubmissionRound.id.label("submission_round_id"), Submission.enrolment_id,
                    seconds_between(SubmissionRound.submitted_at, SubmissionRound.reviewed_at, dialect)
                    .label("seconds"))
             .join(Submission, Submission.id == SubmissionRound.submission_id)
             .where(SubmissionRound.reviewed_at.is_not(None)))
    if within is not None:
        query = query.where(Submission.enrolment_id.in_(within))
    return query


def fill(connection, dialect: str, *conditions) -> None:
    """Insert the fact rows of the enrolments that meet ``conditions`` (every one without)."""
    query = truth(dialect, *conditions)
    names = [c.name for c in FACT_TABLE.columns]
    if not conditions:
        # A whole back-fill may run from an earlier migration, before later ones add columns:
        # it fills those the table has (one look at the table, never on a flush's refresh).
        present = {column["name"] for column in inspect(connection).get_columns(FACT_TABLE.name)}
        if present != set(names):
            names = [name for name in names if name in present]
            derived = query.subquery("truth")
            query = select(*[derived.c[name] for name in names])
    connection.execute(insert(FACT_TABLE).from_select(names, query))
    within = enrolment_joins(select(Enrolment.id), EVERY_JOIN).where(or_(*conditions)) if conditions else None
    connection.execute(insert(REVIEW_TABLE).from_select([c.name for c in REVIEW_TABLE.columns],
                                                        review_truth(dialect, within)))


def refresh(connection, dialect: str, conditions: Iterable, kept: dict | None = None) -> None:
    """Derive again the fact rows of the enrolments that meet any of ``conditions``, and add
    the difference they make to the summary (``lms.reports.summaries``). ``kept``: the fact
    rows of people whose enrolments this flush deleted, read before it."""
    conditions = list(conditions)
    if not conditions and not kept:
        return
    chosen = enrolment_joins(select(Enrolment.id), EVERY_JOIN).where(or_(*conditions) if conditions else false())
    people = summaries.people_of(connection, chosen)
    # Two transactions changing one enrolment's records at once derive its rows one after the
    # other (PostgreSQL): the second, once the first has committed, reads what it wrote. The
    # lock is FOR NO KEY UPDATE, the one an UPDATE of the enrolment takes: it does not wait for
    # the KEY SHARE locks that inserting its progress events and completions hold, so two such
    # transactions queue one behind the other instead of deadlocking. Every enrolment of the
    # same people is locked too: a person counts once in the summary whichever of their
    # enrolments changes, so two of them change one after the other (the chosen enrolments are
    # among their people's: one condition, read along the index on the enrolment's person).
    locked = Enrolment.id.in_(chosen)
    if people and len(people) <= summaries.MOST_PEOPLE:
        locked = Enrolment.user_id.in_(sorted(people))
    connection.execute(select(Enrolment.id).where(locked).order_by(Enrolment.id).with_for_update(key_share=True))
    before = summaries.Before(connection, people, kept)
    connection.execute(delete(REVIEW_TABLE).where(REVIEW_TABLE.c.enrolment_id.in_(chosen)))
    connection.execute(delete(FACT_TABLE).where(FACT_TABLE.c.enrolment_id.in_(chosen)))
    if conditions:
        fill(connection, dialect, *conditions)
    before.settle(connection, dialect)


def rebuild(session: Session) -> int:
    """Every fact row derived again from the records, and the summary added up again from them,
    in the session's transaction; how many fact rows."""
    note_change(session)    # Core statements past the session's flush: the data version is bumped at commit
    connection = session.connection()
    connection.execute(delete(REVIEW_TABLE))
    connection.execute(delete(FACT_TABLE))
    dialect = dialect_of(session)
    fill(connection, dialect)
    summaries.derive(connection, dialect)
    return session.scalar(select(func.count()).select_from(FACT_TABLE))


def _changed(state, attributes: set[str]) -> bool:
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _keys(state, attribute: str) -> set:
    """The record's value of ``attribute``, and the one it had before this flush (nothing is loaded)."""
    values = {state.dict.get(attribute), *state.attrs[attribute].history.deleted}
    return {value for value in values if value is not None}


def changed_enrolments(session: Session) -> list:
    """Conditions naming the enrolments whose facts the changes being flushed alter."""
    found: dict[type, set] = {}
    for records, always in ((session.new, True), (session.deleted, True), (session.dirty, False)):
        for record in records:
            watched = WATCHED.get(type(record))
            if watched is None:
                continue
            state = inspect(record)
            if always or _changed(state, watched[2]):
                found.setdefault(type(record), set()).update(_keys(state, watched[0]))
    return [WATCHED[model][1](sorted(keys)) for model, keys in found.items() if keys]


KEPT_KEY = "lms_summary_kept"


def deleting_people(session: Session) -> set[int]:
    """The people whose records the changes being flushed delete: read before the flush, as the
    database's cascades may take fact rows or reviewed rounds with those records."""
    found: dict[type, set] = {}
    for record in session.deleted:
        watched = WATCHED.get(type(record))
        if watched is not None:
            state = inspect(record)
            if watched[0] not in state.dict:
                getattr(record, watched[0])      # expired since it was loaded: read it before it goes
            found.setdefault(type(record), set()).update(_keys(state, watched[0]))
    conditions = [WATCHED[model][1](sorted(keys)) for model, keys in found.items() if keys]
    if not conditions:
        return set()
    return summaries.people_of(session.connection(),
                               enrolment_joins(select(Enrolment.id), EVERY_JOIN).where(or_(*conditions)))


@event.listens_for(FlaskSession, "before_flush")
def _keep_deleted(session: Session, _flush_context, _instances) -> None:
    session.info.pop(KEPT_KEY, None)     # left by a flush that failed (a savepoint's): never reused
    people = deleting_people(session)
    if people:
        session.info[KEPT_KEY] = summaries.snapshot(session.connection(), people)


@event.listens_for(FlaskSession, "after_flush")
def _refresh_facts(session: Session, _flush_context) -> None:
    kept = session.info.pop(KEPT_KEY, None)
    conditions = changed_enrolments(session)
    if conditions or kept:
        refresh(session.connection(), dialect_of(session), conditions, kept)
