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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_app_context
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
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.elements import ColumnElement

from lms.accounts.models import User
from lms.certificates.models import REVOKED, Certificate
from lms.courses.models import ACTIVE, WITHDRAWN, Course, Enrolment
from lms.quizzes.models import AVERAGE, FINAL_KEY, FIRST, GRADED, HIGHEST, LAST, Quiz, QuizAttempt
from lms.reports.definitions import ACTIVE_DAYS, COMPLETION, COUNT, MEASURES, ROUND_MEASURES
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
        epoch = literal_column("'epoch'")
        return cast(func.floor(func.date_part(epoch, end)) - func.floor(func.date_part(epoch, start)), Integer)
    seconds = literal_column("'%s'")
    return cast(func.strftime(seconds, end), Integer) - cast(func.strftime(seconds, start), Integer)


def _round2(value, dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        return cast(func.round(cast(value, Numeric), 2), Float)
    return func.round(value, 2)


# --- per-enrolment facts -------------------------------------------------------------------

def final_scores(dialect: str, within=None):
    """One row per enrolment with a graded final-assessment attempt: its grade, by the
    quiz's grading method (highest, last, first, or the average rounded to 2 decimals).

    ``within`` (a SELECT of enrolment ids) limits it to a few enrolments, read by index.
    """
    attempts = (
        select(QuizAttempt.enrolment_id, QuizAttempt.score, Quiz.grading_method,
               func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                      order_by=QuizAttempt.number).label("from_first"),
               func.row_number().over(partition_by=QuizAttempt.enrolment_id,
                                      order_by=QuizAttempt.number.desc()).label("from_last"))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.key == FINAL_KEY, Quiz.module_id.is_(None), QuizAttempt.state == GRADED,
               QuizAttempt.score.is_not(None))
    )
    if within is not None:
        attempts = attempts.where(QuizAttempt.enrolment_id.in_(within))
    graded = attempts.subquery("final_attempts")
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


# Which tables a dimension or filter reads besides the enrolment.
_USER_KEYS = {"beneficiary", "language", "institution", "profession", "gender"}
_COHORT_KEYS = {"beneficiary", "language", "cohort"}
_FILTER_KEYS = {"beneficiary_id": "beneficiary", "institution_id": "institution", "profession": "profession",
                "gender": "gender", "course_id": "course", "format": "format", "cohort_id": "cohort",
                "language": "language"}


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
        used = set(dims) | {key for name, key in _FILTER_KEYS.items() if getattr(filters, name) is not None}
        return cls(user=scope is not None or bool(used & _USER_KEYS),
                   cohort=cohort or scope is not None or bool(used & _COHORT_KEYS),
                   course="format" in used)

    @property
    def none(self) -> bool:
        return not (self.user or self.cohort or self.course)


def unrestricted(filters: Filters, scope: set[int] | None, period: bool = True) -> bool:
    """Every enrolment counts: no scope, no filter, no period."""
    return (scope is None and Joins.needed(filters, scope).none
            and not (period and (filters.has_period or filters.basis == COMPLETION)))


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
    joins = Joins.needed(filters, scope, dims, cohort=bool(where))
    final = awaiting = None
    if "final_score" in needs:
        # A group's few enrolments: their attempts by index, not every final attempt.
        small = bool(where) or filters.cohort_id is not None
        within = population(enrolment_joins(select(Enrolment.id), joins).where(*where), filters, scope,
                            period=period) if small else None
        final = final_scores(dialect, within)
        columns.append(final.c.final_score)
    if "awaiting" in needs:
        awaiting = _awaiting()
        columns.append(awaiting.c.awaiting)
    query = enrolment_joins(select(*columns), joins)
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


def _grouped_select(source_cte, dims: Sequence[str], level: int, keys: Sequence[str], columns,
                    median_columns: Sequence[str], dialect: str):
    """SELECT level, d_<dim>… (NULL where not grouped), then ``columns(source)``, grouped by ``keys``."""
    source = source_cte
    if dialect != "postgresql" and median_columns:
        source = _with_windows(source_cte, keys, median_columns)
    selected = [literal_column(str(level)).label("level")]
    selected += [source.c[f"d_{d}"] if d in keys else null().label(f"d_{d}") for d in dims]
    selected += columns(source)
    return select(*selected).group_by(*[source.c[f"d_{k}"] for k in keys])


def _can_materialize(dialect: str) -> bool:
    """``WITH … AS MATERIALIZED``: PostgreSQL 12+, SQLite 3.35+ (older SQLite decides itself)."""
    if dialect == "postgresql":
        return True
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 35)


@dataclass(frozen=True)
class Part:
    """One grouping of a statement and the measures it needs."""

    keys: tuple[str, ...]
    measures: tuple[str, ...]


def _placeholder(measure: str) -> ColumnElement:
    """A typed NULL, so that every SELECT of a UNION agrees on each column's type."""
    return cast(null(), Integer if MEASURES[measure].kind == COUNT else Float).label(measure)


def statement(facts_query, dims: Sequence[str], parts: Sequence[Part], dialect: str, cutoff: datetime, *,
              every_round: bool = False):
    """One statement for every part: rows (level, d_<dim>…, <measure>…, median_grading_hours).

    Levels 0…n-1 are the parts over enrolments; levels n…2n-1 the parts that ask for the
    grading turnaround, over the reviewed submission rounds of the same enrolments. The
    facts are materialised once and read by every part. When every enrolment counts
    (``every_round``), ungrouped rounds need no join back to them.
    """
    columns = ["enrolled", *dict.fromkeys(m for part in parts for m in part.measures
                                          if m not in ROUND_MEASURES and m != "enrolled")]
    rounds = [level for level, part in enumerate(parts) if any(m in ROUND_MEASURES for m in part.measures)]
    facts_cte = facts_query.cte("facts")
    if (rounds or len(parts) > 1) and _can_materialize(dialect):
        facts_cte = facts_cte.prefix_with("MATERIALIZED")

    def enrolment_select(level: int, part: Part):
        wanted = {"enrolled", *part.measures}

        def build(source):
            values = [measure_expression(m, source, part.keys, dialect, cutoff).label(m) if m in wanted
                      else _placeholder(m) for m in columns]
            return values + ([_placeholder("median_grading_hours")] if rounds else [])
        medians = sorted({_MEDIANS[m] for m in part.measures if m in _MEDIANS})
        return _grouped_select(facts_cte, dims, level, part.keys, build, medians, dialect)

    selects = [enrolment_select(level, part) for level, part in enumerate(parts)]
    if rounds:
        seconds = seconds_between(SubmissionRound.submitted_at, SubmissionRound.reviewed_at, dialect)
        joined = None

        def round_source(keys):
            nonlocal joined
            if every_round and not keys:
                return (select(seconds.label("seconds")).where(SubmissionRound.reviewed_at.is_not(None))
                        .cte("all_rounds"))
            if joined is None:
                joined = (select(*[facts_cte.c[f"d_{d}"] for d in dims], seconds.label("seconds"))
                          .select_from(SubmissionRound)
                          .join(Submission, Submission.id == SubmissionRound.submission_id)
                          .join(facts_cte, facts_cte.c.enrolment_id == Submission.enrolment_id)
                          .where(SubmissionRound.reviewed_at.is_not(None))).cte("rounds")
            return joined

        def build_rounds(source):
            hours = cast(_median_over(source, "seconds", (), dialect), Float) / 3600.0
            return [_placeholder(m) for m in columns] + [hours.label("median_grading_hours")]

        for level in rounds:
            keys = parts[level].keys
            selects.append(_grouped_select(round_source(keys), dims, len(parts) + level, keys, build_rounds,
                                           ["seconds"], dialect))
    return (selects[0] if len(selects) == 1 else union_all(*selects)), columns


@dataclass
class Figures:
    """Measures per group, for each part: ``levels[level][keys] = {measure: value}``."""

    levels: dict[int, dict[tuple, dict[str, float | int | None]]]

    def at(self, level: int) -> dict[tuple, dict]:
        return self.levels.get(level, {})

    def total(self, level: int = 0) -> dict:
        return self.at(level).get((), {})


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


def figures(session: Session, filters: Filters, scope: set[int] | None, *, dims: Sequence[str],
            groupings: Sequence[Sequence[str]] = (), measures: Sequence[str] = (), now: datetime,
            parts: Sequence[Part] = (), period: bool = True, where: Sequence = ()) -> Figures:
    """Every measure asked for, for every grouping (or every part), in one statement."""
    parts = list(parts) or [Part(tuple(keys), tuple(measures)) for keys in groupings]
    dialect = dialect_of(session)
    cutoff = now - timedelta(days=ACTIVE_DAYS)
    needed = {m for part in parts for m in part.measures}
    query, columns = statement(facts(filters, scope, dims=dims, measures=needed, dialect=dialect,
                                     period=period, where=where),
                               dims, parts, dialect, cutoff,
                               every_round=unrestricted(filters, scope, period) and not where)
    tune(session)
    levels: dict[int, dict[tuple, dict]] = {}
    positions = [[dims.index(k) for k in part.keys] for part in parts]
    hours_at = 1 + len(dims) + len(columns)
    round_rows = []
    for row in session.execute(query):
        level, keys = row[0], row[1:1 + len(dims)]
        if level >= len(parts):
            round_rows.append(row)
            continue
        part = parts[level]
        values = dict(zip(columns, row[1 + len(dims):hours_at], strict=True))
        cell = {m: values[m] for m in ("enrolled", *part.measures) if m in values}
        if any(m in ROUND_MEASURES for m in part.measures):
            cell["median_grading_hours"] = None
        levels.setdefault(level, {})[tuple(keys[i] for i in positions[level])] = cell
    for row in round_rows:
        level, keys = row[0] - len(parts), row[1:1 + len(dims)]
        cell = levels.get(level, {}).get(tuple(keys[i] for i in positions[level]))
        if cell is not None:
            cell["median_grading_hours"] = row[hours_at]
    return Figures(levels)


# --- the monthly trend and the progress distribution -----------------------------------------

def monthly_counts(session: Session, filters: Filters, scope: set[int] | None, start: datetime,
                   end: datetime) -> dict[str, dict[str, int]]:
    """{"enrolments": {month: n}, "completions": {month: n}}: enrolments begun and completions
    achieved in each month of [start, end), whatever the period basis; other filters apply."""
    dialect = dialect_of(session)
    joins = Joins.needed(filters, scope)

    def series(name: str, column):
        # The month is computed only for the rows in the window.
        months = population(enrolment_joins(select(period_key(column, "month", dialect).label("month")), joins),
                            filters, scope, period=False).where(column >= start, column < end).subquery()
        return (select(literal_column(f"'{name}'").label("series"), months.c.month, func.count())
                .group_by(months.c.month))

    query = union_all(series("enrolments", Enrolment.enrolled_at), series("completions", Enrolment.completed_at))
    counts: dict[str, dict[str, int]] = {"enrolments": {}, "completions": {}}
    tune(session)
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
    bands = population(enrolment_joins(select(band.label("band")), Joins.needed(filters, scope)),
                       filters, scope).subquery()
    found = dict(session.execute(select(bands.c.band, func.count()).group_by(bands.c.band)).all())
    return {name: found.get(name, 0) for name in PROGRESS_BANDS}
