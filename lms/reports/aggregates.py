"""Measures per group: the aggregate SQL behind every figure of programme statistics.

The per-enrolment facts (``lms.reports.facts``) are built once as a common table
expression and aggregated by any dimensions, several groupings at once (a table's cells,
its row and column totals and its grand total) united in one statement. Medians are
exact: PostgreSQL's ``percentile_cont(0.5)``; on SQLite, which has no median aggregate,
the middle one or two values picked out with ``row_number()`` and ``count()`` windows
over the same groups. Grading turnarounds are read from ``ReviewFact``, joined to the facts
only when some enrolments are left out. Nothing is fetched per row and aggregated in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Float,
    Integer,
    and_,
    case,
    cast,
    distinct,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from lms.certificates.models import REVOKED, VALID
from lms.courses.models import ACTIVE, WITHDRAWN
from lms.reports.facts import FACT, fact_population, facts, tune, unrestricted
from lms.reports.filters import Filters
from lms.reports.measures import ACTIVE_DAYS, COUNT, MEASURES, ROUND_MEASURES
from lms.reports.models import ReviewFact
from lms.reports.sql_dialects import dialect_of, month_of

# Grouping levels of a two-dimensional table, in the order ``figures`` is asked for them.
CELLS, ROW_TOTALS, COLUMN_TOTALS, GRAND_TOTAL = 0, 1, 2, 3

# Medians, and the fact column each one is taken over.
MEDIANS = {"median_final_score": "final_score", "median_days_to_completion": "days"}


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
    paired = and_(f.pretest_score.is_not(None), f.final_score.is_not(None)) if "pretest_score" in f else None
    if key in MEDIANS:
        return cast(_median_over(source, MEDIANS[key], keys, dialect), Float)
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
        "certificates_valid": lambda: _count_if(and_(f.certificate_status == VALID, f.certificate_expired == 0)),
        "certificates_expired": lambda: _count_if(f.certificate_expired == 1),
        "certificates_renewed": lambda: _count_if(f.certificate_renewed == 1),
        "average_final_score": lambda: cast(func.avg(f.final_score), Float),
        "awaiting_review": lambda: cast(func.coalesce(func.sum(f.awaiting), 0), Integer),
        "gain_pairs": lambda: _count_if(and_(f.pretest_score.is_not(None), f.final_score.is_not(None))),
        "mean_pre_score": lambda: cast(func.avg(case((paired, f.pretest_score))), Float),
        "mean_paired_final_score": lambda: cast(func.avg(case((paired, f.final_score))), Float),
        "knowledge_gain": lambda: cast(func.avg(case((paired, f.final_score - f.pretest_score))), Float),
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
    # Not materialised: the fact table is already what a materialised CTE would hold, and
    # each part scanning it is cheaper than writing and reading a copy.
    facts_cte = facts_query.cte("facts").prefix_with("NOT MATERIALIZED", dialect="postgresql")

    def enrolment_select(level: int, part: Part):
        wanted = {"enrolled", *part.measures}

        def build(source):
            values = [measure_expression(m, source, part.keys, dialect, cutoff).label(m) if m in wanted
                      else _placeholder(m) for m in columns]
            return values + ([_placeholder("median_grading_hours")] if rounds else [])
        medians = sorted({MEDIANS[m] for m in part.measures if m in MEDIANS})
        return _grouped_select(facts_cte, dims, level, part.keys, build, medians, dialect)

    selects = [enrolment_select(level, part) for level, part in enumerate(parts)]
    if rounds:
        joined = None

        def round_source(keys):
            nonlocal joined
            if every_round and not keys:
                # The median of every round is that of the one or two in the middle, read
                # along the index on seconds rather than sorting them all.
                counted = select(func.count().label("n")).select_from(ReviewFact).cte("round_count")
                count = select(counted.c.n).scalar_subquery()
                return (select(ReviewFact.seconds).order_by(ReviewFact.seconds)
                        .offset(case((count > 0, (count - 1) // 2), else_=0)).limit(2 - count % 2)
                        .cte("middle_rounds"))
            if joined is None:
                joined = (select(*[facts_cte.c[f"d_{d}"] for d in dims], ReviewFact.seconds)
                          .join(facts_cte, facts_cte.c.enrolment_id == ReviewFact.enrolment_id)).cte("rounds")
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


def figures(session: Session, filters: Filters, scope: set[int] | None, *, dims: Sequence[str],
            groupings: Sequence[Sequence[str]] = (), measures: Sequence[str] = (), now: datetime,
            parts: Sequence[Part] = (), period: bool = True, where: Sequence = ()) -> Figures:
    """Every measure asked for, for every grouping (or every part), in one statement."""
    parts = list(parts) or [Part(tuple(keys), tuple(measures)) for keys in groupings]
    dialect = dialect_of(session)
    cutoff = now - timedelta(days=ACTIVE_DAYS)
    needed = {m for part in parts for m in part.measures}
    query, columns = statement(facts(filters, scope, dims=dims, measures=needed, dialect=dialect,
                                     period=period, where=where, now=now),
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

    def series(name: str, column):
        # Grouped by the start of the month, written out once per month rather than per row.
        month = month_of(column, dialect)
        grouped = (fact_population(select(month.grouped.label("month"), func.count().label("n")),
                                   filters, scope, period=False)
                   .where(column >= start, column < end).group_by(month.grouped).subquery())
        return select(literal_column(f"'{name}'").label("series"), month.written(grouped.c.month), grouped.c.n)

    query = union_all(series("enrolments", FACT.enrolled_at), series("completions", FACT.completed_at))
    counts: dict[str, dict[str, int]] = {"enrolments": {}, "completions": {}}
    tune(session)
    for series, month, n in session.execute(query):
        counts[series][month] = n
    return counts


def earliest_enrolment(session: Session, filters: Filters, scope: set[int] | None) -> datetime | None:
    """When the first enrolment the filters and scope select (whatever the period) began."""
    query = fact_population(select(func.min(FACT.enrolled_at)), filters, scope, period=False)
    tune(session)
    return session.scalar(query)


PROGRESS_BANDS = ("withdrawn", "not_started", "started", "halfway", "nearly", "completed")


def progress_bands(session: Session, filters: Filters, scope: set[int] | None) -> dict[str, int]:
    """How many enrolments stand at each stage: withdrawn, 0 %, 1–49 %, 50–89 %, 90–99 %, completed."""
    band = case(
        (FACT.completed_at.is_not(None), "completed"),
        (FACT.status == WITHDRAWN, "withdrawn"),
        (FACT.progress_percent <= 0, "not_started"),
        (FACT.progress_percent < 50, "started"),
        (FACT.progress_percent < 90, "halfway"),
        else_="nearly")
    bands = fact_population(select(band.label("band")), filters, scope).subquery()
    found = dict(session.execute(select(bands.c.band, func.count()).group_by(bands.c.band)).all())
    return {name: found.get(name, 0) for name in PROGRESS_BANDS}
