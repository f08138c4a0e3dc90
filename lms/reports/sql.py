"""The aggregate SQL behind every figure of programme statistics.

One row per enrolment (the *facts*: who, where, which course and group, which dates)
is built once as a common table expression and aggregated by any dimensions, several
groupings at once (a table's cells, its row and column totals and its grand total)
united in one statement. Medians are exact: PostgreSQL's ``percentile_cont(0.5)``; on
SQLite, which has no median aggregate, the middle one or two values picked out with
``row_number()`` and ``count()`` windows over the same groups. Nothing is fetched per
row and aggregated in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    distinct,
    extract,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from lms.accounts.models import User
from lms.certificates.models import REVOKED, Certificate
from lms.courses.models import ACTIVE, WITHDRAWN, Course, Enrolment
from lms.quizzes.models import AVERAGE, FINAL_KEY, FIRST, GRADED, HIGHEST, LAST, Quiz, QuizAttempt
from lms.reports.definitions import ACTIVE_DAYS, COMPLETION, ROUND_MEASURES
from lms.reports.filters import Filters
from lms.tutors.models import SUBMITTED, Cohort, CohortMembership, Submission, SubmissionRound

# Grouping levels of a two-dimensional table, in the order ``figures`` is asked for them.
CELLS, ROW_TOTALS, COLUMN_TOTALS, GRAND_TOTAL = 0, 1, 2, 3

# What each measure needs in the facts besides the enrolment itself.
_NEEDS = {
    "certificates_issued": "certificate", "certificates_revoked": "certificate",
    "average_final_score": "final_score", "median_final_score": "final_score",
    "median_days_to_completion": "days", "awaiting_review": "awaiting",
}
# Medians, and the fact column each one is taken over.
_MEDIANS = {"median_final_score": "final_score", "median_days_to_completion": "days"}


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The period as [start, end) instants: whole UTC days, the end day included."""
    start = _start(filters.start) if filters.start else None
    end = _start(filters.end + timedelta(days=1)) if filters.end else None
    return start, end


# --- expressions that differ between databases ---------------------------------------------

UTC_NAME = literal_column("'UTC'")


def period_key(column, unit: str, dialect: str) -> ColumnElement:
    """'2025-03', '2025-Q1' or '2025' for a timestamp, in UTC."""
    # Literal SQL, not bound parameters: PostgreSQL must see the same expression wherever
    # it is grouped by.
    if dialect == "postgresql":
        pattern = {"month": "'YYYY-MM'", "quarter": """'YYYY-"Q"Q'""", "year": "'YYYY'"}[unit]
        return func.to_char(func.timezone(UTC_NAME, column), literal_column(pattern), type_=String)
    if unit == "month":
        return func.strftime(literal_column("'%Y-%m'"), column, type_=String)
    year = func.strftime(literal_column("'%Y'"), column, type_=String)
    if unit == "year":
        return year
    month = cast(func.strftime(literal_column("'%m'"), column), Integer)
    return year + literal_column("'-Q'", String) + cast((month + 2) // 3, String)


def days_between(start, end, dialect: str) -> ColumnElement:
    """Whole calendar days (UTC dates) from ``start`` to ``end``."""
    if dialect == "postgresql":
        return cast(func.timezone(UTC_NAME, end), Date) - cast(func.timezone(UTC_NAME, start), Date)
    return cast(func.julianday(func.date(end)) - func.julianday(func.date(start)), Integer)


def seconds_between(start, end, dialect: str) -> ColumnElement:
    """Whole seconds from ``start`` to ``end`` (both truncated to the second)."""
    if dialect == "postgresql":
        return cast(func.floor(extract("epoch", end)) - func.floor(extract("epoch", start)), Integer)
    seconds = literal_column("'%s'")
    return cast(func.strftime(seconds, end), Integer) - cast(func.strftime(seconds, start), Integer)


def _round2(value, dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        return cast(func.round(cast(value, Numeric), 2), Float)
    return func.round(value, 2)


# --- per-enrolment facts -------------------------------------------------------------------

def final_scores(dialect: str):
    """One row per enrolment with a graded final-assessment attempt: its grade, by the
    quiz's grading method (highest, last, first, or the average rounded to 2 decimals)."""
    graded = (
        select(QuizAttempt.enrolment_id, QuizAttempt.score, Quiz.grading_method,
               func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                      order_by=QuizAttempt.number).label("from_first"),
               func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                      order_by=QuizAttempt.number.desc()).label("from_last"))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.key == FINAL_KEY, Quiz.module_id.is_(None), QuizAttempt.state == GRADED,
               QuizAttempt.score.is_not(None))
    ).subquery("final_attempts")
    grade = case(
        (graded.c.grading_method == HIGHEST, func.max(graded.c.score)),
        (graded.c.grading_method == LAST, func.max(case((graded.c.from_last == 1, graded.c.score)))),
        (graded.c.grading_method == FIRST, func.max(case((graded.c.from_first == 1, graded.c.score)))),
        (graded.c.grading_method == AVERAGE, _round2(func.avg(graded.c.score), dialect)),
    )
    return (select(graded.c.enrolment_id, cast(grade, Float).label("final_score"))
            .group_by(graded.c.enrolment_id, graded.c.grading_method)).subquery("final_scores")


def _awaiting():
    return (select(Submission.enrolment_id, func.count(Submission.id).label("awaiting"))
            .where(Submission.status == SUBMITTED).group_by(Submission.enrolment_id)).subquery("awaiting")


BENEFICIARY = func.coalesce(Cohort.beneficiary_id, User.beneficiary_id)
LANGUAGE = func.coalesce(Cohort.language, User.language)


def dimension_expression(key: str, basis_column, dialect: str) -> ColumnElement:
    return {
        "beneficiary": lambda: BENEFICIARY,
        "institution": lambda: User.institution_id,
        "profession": lambda: User.profession,
        "gender": lambda: User.gender,
        "course": lambda: Enrolment.course_id,
        "format": lambda: Course.format,
        "cohort": lambda: CohortMembership.cohort_id,
        "language": lambda: LANGUAGE,
        "month": lambda: period_key(basis_column, "month", dialect),
        "quarter": lambda: period_key(basis_column, "quarter", dialect),
        "year": lambda: period_key(basis_column, "year", dialect),
    }[key]()


def population(query, filters: Filters, scope: set[int] | None, *, period: bool = True):
    """Restrict a select over Enrolment ⋈ User ⟕ CohortMembership ⟕ Cohort (⋈ Course) to the
    viewer's scope and the filters; the period applies to the basis date."""
    if scope is not None:
        query = query.where(BENEFICIARY.in_(sorted(scope)) if scope else false())
    conditions = {
        "beneficiary_id": lambda v: v == BENEFICIARY,
        "institution_id": lambda v: User.institution_id == v,
        "profession": lambda v: User.profession == v,
        "gender": lambda v: User.gender == v,
        "course_id": lambda v: Enrolment.course_id == v,
        "format": lambda v: Course.format == v,
        "cohort_id": lambda v: CohortMembership.cohort_id == v,
        "language": lambda v: v == LANGUAGE,
    }
    for name, condition in conditions.items():
        value = getattr(filters, name)
        if value is not None:
            query = query.where(condition(value))
    if period:
        column = Enrolment.completed_at if filters.basis == COMPLETION else Enrolment.enrolled_at
        start, end = period_bounds(filters)
        if filters.basis == COMPLETION:
            query = query.where(Enrolment.completed_at.is_not(None))
        if start is not None:
            query = query.where(column >= start)
        if end is not None:
            query = query.where(column < end)
    return query


def enrolment_joins(query, *, course: bool = False):
    query = (query.select_from(Enrolment).join(User, User.id == Enrolment.user_id)
             .outerjoin(CohortMembership, CohortMembership.enrolment_id == Enrolment.id)
             .outerjoin(Cohort, Cohort.id == CohortMembership.cohort_id))
    if course:
        query = query.join(Course, Course.id == Enrolment.course_id)
    return query


def facts(filters: Filters, scope: set[int] | None, *, dims: Sequence[str], measures: Iterable[str],
          dialect: str, period: bool = True, where: Sequence = ()):
    """One row per enrolment of the population, with the dimension keys and what the measures read."""
    needs = {_NEEDS[m] for m in measures if m in _NEEDS}
    basis = Enrolment.completed_at if filters.basis == COMPLETION else Enrolment.enrolled_at
    columns = [Enrolment.id.label("enrolment_id"), Enrolment.user_id.label("user_id"),
               Enrolment.status.label("status"), Enrolment.completed_at.label("completed_at"),
               Enrolment.last_activity_at.label("last_activity_at")]
    columns += [dimension_expression(key, basis, dialect).label(f"d_{key}") for key in dims]
    if "days" in needs:
        columns.append(days_between(Enrolment.enrolled_at, Enrolment.completed_at, dialect).label("days"))
    if "certificate" in needs:
        columns.append(Certificate.status.label("certificate_status"))
    final = awaiting = None
    if "final_score" in needs:
        final = final_scores(dialect)
        columns.append(final.c.final_score)
    if "awaiting" in needs:
        awaiting = _awaiting()
        columns.append(awaiting.c.awaiting)
    query = enrolment_joins(select(*columns), course="format" in dims or filters.format is not None)
    if "certificate" in needs:
        query = query.outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
    if final is not None:
        query = query.outerjoin(final, final.c.enrolment_id == Enrolment.id)
    if awaiting is not None:
        query = query.outerjoin(awaiting, awaiting.c.enrolment_id == Enrolment.id)
    for condition in where:
        query = query.where(condition)
    return population(query, filters, scope, period=period)


# --- aggregation ------------------------------------------------------------------------------

def _count_if(condition) -> ColumnElement:
    return cast(func.coalesce(func.sum(case((condition, 1), else_=0)), 0), Integer)


def _median_over(source, column: str, keys: Sequence[str], dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        return func.percentile_cont(0.5).within_group(source.c[column])
    value, position, size = source.c[column], source.c[f"rn_{column}"], source.c[f"n_{column}"]
    middle = or_(position == (size + 1) // 2, position == (size + 2) // 2)
    return func.avg(case((and_(value.is_not(None), middle), value)))


def _with_windows(facts_cte, keys: Sequence[str], columns: Sequence[str]):
    """SQLite: number each group's values of ``columns`` in order, and count them."""
    partition = [facts_cte.c[f"d_{key}"] for key in keys]
    extra = []
    for column in columns:
        value = facts_cte.c[column]
        extra.append(func.row_number().over(partition_by=[*partition, value.is_(None)],
                                            order_by=value).label(f"rn_{column}"))
        extra.append(func.count(value).over(partition_by=partition or None).label(f"n_{column}"))
    return select(facts_cte, *extra).subquery()


def measure_expression(key: str, source, keys: Sequence[str], dialect: str, cutoff: datetime) -> ColumnElement:
    f = source.c
    completed = f.completed_at.is_not(None)
    if key in _MEDIANS:
        return cast(_median_over(source, _MEDIANS[key], keys, dialect), Float)
    return {
        "enrolled": lambda: func.count(f.enrolment_id),
        "trainees": lambda: func.count(distinct(f.user_id)),
        "active": lambda: _count_if(and_(f.status == ACTIVE, f.last_activity_at >= cutoff)),
        "completed": lambda: _count_if(completed),
        "trainees_completed": lambda: func.count(distinct(case((completed, f.user_id)))),
        "withdrawn": lambda: _count_if(f.status == WITHDRAWN),
        "completion_rate": lambda: cast(100.0 * _count_if(completed) / func.nullif(func.count(f.enrolment_id), 0),
                                        Float),
        "certificates_issued": lambda: func.count(f.certificate_status),
        "certificates_revoked": lambda: _count_if(f.certificate_status == REVOKED),
        "average_final_score": lambda: cast(func.avg(f.final_score), Float),
        "awaiting_review": lambda: cast(func.coalesce(func.sum(f.awaiting), 0), Integer),
    }[key]()


def _grouped_select(facts_cte, dims: Sequence[str], level: int, keys: Sequence[str], measures: Sequence[str],
                    dialect: str, cutoff: datetime, median_columns: Sequence[str]):
    source = facts_cte
    if dialect != "postgresql" and median_columns:
        source = _with_windows(facts_cte, keys, median_columns)
    columns = [literal_column(str(level)).label("level")]
    columns += [source.c[f"d_{d}"] if d in keys else null().label(f"d_{d}") for d in dims]
    columns += [measure_expression(m, source, keys, dialect, cutoff).label(m) for m in measures]
    return select(*columns).group_by(*[source.c[f"d_{k}"] for k in keys])


def aggregate(facts_query, dims: Sequence[str], groupings: Sequence[Sequence[str]], measures: Sequence[str],
              dialect: str, cutoff: datetime):
    """One statement: for each grouping (a subset of ``dims``), the measures per group.

    Rows are (level, d_<dim>…, <measure>…), ``level`` the grouping's index.
    """
    facts_cte = facts_query.cte("facts")
    median_columns = sorted({_MEDIANS[m] for m in measures if m in _MEDIANS})
    selects = [_grouped_select(facts_cte, dims, level, keys, measures, dialect, cutoff, median_columns)
               for level, keys in enumerate(groupings)]
    return selects[0] if len(selects) == 1 else union_all(*selects)


def round_facts(filters: Filters, scope: set[int] | None, *, dims: Sequence[str], dialect: str,
                period: bool = True, where: Sequence = ()):
    """One row per reviewed submission round of the population's enrolments, with its turnaround."""
    enrolments = facts(filters, scope, dims=dims, measures=(), dialect=dialect, period=period,
                       where=where).subquery("population")
    seconds = seconds_between(SubmissionRound.submitted_at, SubmissionRound.reviewed_at, dialect)
    return (select(enrolments.c.enrolment_id, *[enrolments.c[f"d_{d}"] for d in dims],
                   seconds.label("seconds"))
            .select_from(SubmissionRound)
            .join(Submission, Submission.id == SubmissionRound.submission_id)
            .join(enrolments, enrolments.c.enrolment_id == Submission.enrolment_id)
            .where(SubmissionRound.reviewed_at.is_not(None)))


def aggregate_rounds(rounds_query, dims: Sequence[str], groupings: Sequence[Sequence[str]], dialect: str):
    cte = rounds_query.cte("rounds")
    selects = []
    for level, keys in enumerate(groupings):
        source = _with_windows(cte, keys, ["seconds"]) if dialect != "postgresql" else cte
        columns = [literal_column(str(level)).label("level")]
        columns += [source.c[f"d_{d}"] if d in keys else null().label(f"d_{d}") for d in dims]
        columns.append((cast(_median_over(source, "seconds", keys, dialect), Float) / 3600.0)
                       .label("median_grading_hours"))
        selects.append(select(*columns).group_by(*[source.c[f"d_{k}"] for k in keys]))
    return selects[0] if len(selects) == 1 else union_all(*selects)


@dataclass
class Figures:
    """Measures per group, for each grouping level: ``levels[level][keys] = {measure: value}``."""

    groupings: list[tuple[str, ...]]
    levels: dict[int, dict[tuple, dict[str, float | int | None]]]

    def at(self, level: int) -> dict[tuple, dict]:
        return self.levels.get(level, {})

    def total(self, level: int = 0) -> dict:
        return self.at(level).get((), {})


def figures(session: Session, filters: Filters, scope: set[int] | None, *, dims: Sequence[str],
            groupings: Sequence[Sequence[str]], measures: Sequence[str], now: datetime,
            period: bool = True, where: Sequence = ()) -> Figures:
    """Run the aggregation (one statement, two when grading turnaround is asked for)."""
    dialect = dialect_of(session)
    cutoff = now - timedelta(days=ACTIVE_DAYS)
    enrolment_measures = ["enrolled", *[m for m in measures if m not in ROUND_MEASURES and m != "enrolled"]]
    query = aggregate(facts(filters, scope, dims=dims, measures=enrolment_measures, dialect=dialect,
                            period=period, where=where),
                      dims, groupings, enrolment_measures, dialect, cutoff)
    levels: dict[int, dict[tuple, dict]] = {}
    positions = {level: [dims.index(k) for k in keys] for level, keys in enumerate(groupings)}
    for row in session.execute(query):
        level, keys = row[0], row[1:1 + len(dims)]
        key = tuple(keys[i] for i in positions[level])
        levels.setdefault(level, {})[key] = dict(zip(enrolment_measures, row[1 + len(dims):], strict=True))
    if any(m in ROUND_MEASURES for m in measures):
        rounds = aggregate_rounds(round_facts(filters, scope, dims=dims, dialect=dialect, period=period,
                                              where=where), dims, groupings, dialect)
        for row in session.execute(rounds):
            level, keys = row[0], row[1:1 + len(dims)]
            key = tuple(keys[i] for i in positions[level])
            cell = levels.setdefault(level, {}).get(key)
            if cell is not None:
                cell["median_grading_hours"] = row[-1]
        for cells in levels.values():
            for cell in cells.values():
                cell.setdefault("median_grading_hours", None)
    return Figures([tuple(g) for g in groupings], levels)


# --- the monthly trend and the progress distribution -----------------------------------------

def monthly_counts(session: Session, filters: Filters, scope: set[int] | None, start: datetime,
                   end: datetime) -> dict[str, dict[str, int]]:
    """{"enrolments": {month: n}, "completions": {month: n}}: enrolments begun and completions
    achieved in each month of [start, end), whatever the period basis; other filters apply."""
    dialect = dialect_of(session)
    base = population(enrolment_joins(
        select(Enrolment.enrolled_at.label("enrolled_at"), Enrolment.completed_at.label("completed_at"),
               period_key(Enrolment.enrolled_at, "month", dialect).label("started"),
               period_key(Enrolment.completed_at, "month", dialect).label("finished")),
        course=filters.format is not None), filters, scope, period=False).cte("trend_facts")
    query = union_all(
        select(literal_column("'enrolments'").label("series"), base.c.started, func.count())
        .where(base.c.enrolled_at >= start, base.c.enrolled_at < end).group_by(base.c.started),
        select(literal_column("'completions'").label("series"), base.c.finished, func.count())
        .where(base.c.completed_at >= start, base.c.completed_at < end).group_by(base.c.finished),
    )
    counts: dict[str, dict[str, int]] = {"enrolments": {}, "completions": {}}
    for series, month, n in session.execute(query):
        counts[series][month] = n
    return counts


PROGRESS_BANDS = ("withdrawn", "not_started", "started", "halfway", "nearly", "completed")


def progress_bands(session: Session, filters: Filters, scope: set[int] | None) -> dict[str, int]:
    """How many enrolments stand at each stage: withdrawn, 0 %, 1–49 %, 50–89 %, 90–99 %, completed."""
    band = case(
        (Enrolment.completed_at.is_not(None), "completed"),
        (Enrolment.status == WITHDRAWN, "withdrawn"),
        (Enrolment.progress_percent <= 0, "not_started"),
        (Enrolment.progress_percent < 50, "started"),
        (Enrolment.progress_percent < 90, "halfway"),
        else_="nearly")
    bands = population(enrolment_joins(select(band.label("band")), course=filters.format is not None),
                       filters, scope).subquery()
    found = dict(session.execute(select(bands.c.band, func.count()).group_by(bands.c.band)).all())
    return {name: found.get(name, 0) for name in PROGRESS_BANDS}
