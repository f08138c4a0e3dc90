"""Programme statistics: the overview, the pivot table and a group's drill-down.

Each report is a fixed number of aggregate queries whatever the size of the programme
(``lms.reports.aggregates``); figures come back already protected (``lms.reports.suppression``).
Everything here reads; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.core.errors import NotFound
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.pagination import Page, page_count
from lms.forum.operations.participation import Participation, participation
from lms.reports import aggregates, figure_cache, summaries
from lms.reports.dimensions import DIMENSIONS, Dimension, Member, ordered
from lms.reports.facts import FACT, period_bounds
from lms.reports.filters import Filters, in_scope, out_of_scope, scope_of, scoped_filters
from lms.reports.measures import HEADLINE, MEASURES, Measure
from lms.reports.suppression import TOTAL, Protection, protect
from lms.tutors.models import Cohort

T = TypeVar("T")

COHORTS_PER_PAGE = 50
TREND_MONTHS = 24          # shown when no period is chosen
MAX_TREND_MONTHS = 60      # the most a trend shows: the last five years of the period


@dataclass
class Value:
    """A figure as shown: its value, or hidden to protect a small group."""

    value: float | int | None
    suppressed: bool = False

    @property
    def shown(self) -> float | int | None:
        return None if self.suppressed else self.value


def threshold() -> int:
    return max(1, int(current_app.config["LMS_REPORT_MIN_GROUP"]))


def _values(cell: dict, measures: Sequence[str], hidden: bool) -> dict[str, Value]:
    return {m: Value(cell.get(m) if cell else MEASURES[m].empty, hidden) for m in measures}


# --- one dimension, several measures ----------------------------------------------------------

@dataclass
class Breakdown:
    dimension: Dimension
    measures: list[str]
    members: list[Member]
    values: dict[object, dict[str, Value]]
    total: dict[str, Value]
    protection: Protection


def breakdown(session: Session, filters: Filters, scope: set[int] | None, dimension: str,
              measures: Sequence[str], *, now: datetime, period: bool = True) -> Breakdown:
    """Figures per value of one dimension, with the total: one or two queries, plus the names."""
    found = aggregates.figures(session, filters, scope, dims=[dimension], groupings=[(dimension,), ()],
                               measures=measures, now=now, period=period)
    return _breakdown_from(session, filters, dimension, measures, found)


def _breakdown_from(session, filters: Filters, dimension: str, measures: Sequence[str],
                    found: aggregates.Figures, level: int = 0, total_level: int = 1) -> Breakdown:
    by = DIMENSIONS[dimension]
    cells = {key[0]: cell for key, cell in found.at(level).items()}
    total = found.total(total_level)
    members = ordered(by.members(session, cells))
    counts = {(key, TOTAL): cell.get("enrolled", 0) for key, cell in cells.items()}
    counts[(TOTAL, TOTAL)] = total.get("enrolled", 0)
    protection = protect(counts, list(cells), None, threshold=threshold(), rows_sensitive=by.sensitive,
                         columns_sensitive=False, filtered_sensitive=filters.sensitive)
    values = {key: _values(cell, measures, protection.hides((key, TOTAL))) for key, cell in cells.items()}
    return Breakdown(by, list(measures), members, values,
                     _values(total, measures, protection.hides((TOTAL, TOTAL))), protection)


# --- the pivot table --------------------------------------------------------------------------

@dataclass
class Pivot:
    filters: Filters
    measure: Measure
    rows: Dimension
    columns: Dimension | None
    row_members: list[Member]
    column_members: list[Member]
    cells: dict[tuple, Value]
    row_totals: dict[object, Value]
    column_totals: dict[object, Value]
    total: Value
    protection: Protection
    generated_at: datetime

    def cell(self, row_key, column_key) -> Value:
        """An empty cell is zero enrolments: a count of 0, no other figure."""
        found = self.cells.get((row_key, column_key))
        if found is not None:
            return found
        return Value(self.measure.empty)


def pivot(session: Session, viewer, filters: Filters, *, measure: str, rows: str, columns: str | None = None,
          now: datetime) -> Pivot:
    """Any measure by one or two dimensions (keys of MEASURES and DIMENSIONS, different from
    each other), with row, column and grand totals."""
    filters, scope = scoped_filters(viewer, filters)
    return pivots(session, filters, scope, measures=[measure], rows=rows, columns=columns, now=now)[measure]


def pivots(session: Session, filters: Filters, scope: set[int] | None, *, measures: Sequence[str], rows: str,
           columns: str | None = None, now: datetime) -> dict[str, Pivot]:
    """Several measures by the same dimensions, in one statement: a ``Pivot`` of each. They
    count the same enrolments in each cell, so each hides the same cells."""
    dims = [rows] + ([columns] if columns else [])
    groupings = [tuple(dims), (rows,), (columns,), ()] if columns else [(rows,), ()]
    found = aggregates.figures(session, filters, scope, dims=dims, groupings=groupings, measures=measures,
                               now=now)
    if columns:
        cells = found.at(aggregates.CELLS)
        row_totals = {key[0]: cell for key, cell in found.at(aggregates.ROW_TOTALS).items()}
        column_totals = {key[0]: cell for key, cell in found.at(aggregates.COLUMN_TOTALS).items()}
        grand = found.total(aggregates.GRAND_TOTAL)
    else:
        cells = {}
        row_totals = {key[0]: cell for key, cell in found.at(0).items()}
        column_totals = {}
        grand = found.total(1)
    row_members = ordered(DIMENSIONS[rows].members(session, row_totals))
    column_members = ordered(DIMENSIONS[columns].members(session, column_totals)) if columns else []
    counts = {key: cell["enrolled"] for key, cell in cells.items()}
    counts.update({(key, TOTAL): cell["enrolled"] for key, cell in row_totals.items()})
    counts.update({(TOTAL, key): cell["enrolled"] for key, cell in column_totals.items()})
    counts[(TOTAL, TOTAL)] = grand.get("enrolled", 0)
    protection = protect(counts, list(row_totals), list(column_totals) if columns else None,
                         threshold=threshold(), rows_sensitive=DIMENSIONS[rows].sensitive,
                         columns_sensitive=bool(columns) and DIMENSIONS[columns].sensitive,
                         filtered_sensitive=filters.sensitive)

    def one(measure: str) -> Pivot:
        def value(cell: dict | None, position: tuple) -> Value:
            return Value(cell.get(measure) if cell else None, protection.hides(position))

        empty = MEASURES[measure].empty
        return Pivot(
            filters=filters, measure=MEASURES[measure], rows=DIMENSIONS[rows],
            columns=DIMENSIONS[columns] if columns else None, row_members=row_members,
            column_members=column_members,
            cells={key: value(cell, key) for key, cell in cells.items()},
            row_totals={key: value(cell, (key, TOTAL)) for key, cell in row_totals.items()},
            column_totals={key: value(cell, (TOTAL, key)) for key, cell in column_totals.items()},
            total=Value(grand.get(measure, empty) if grand else empty, protection.hides((TOTAL, TOTAL))),
            protection=protection, generated_at=now)

    return {measure: one(measure) for measure in measures}


# --- the overview -----------------------------------------------------------------------------

@dataclass
class Trend:
    months: list[Member]
    enrolments: dict[str, int]
    completions: dict[str, int]

    @property
    def total_enrolments(self) -> int:
        return sum(self.enrolments.values())

    @property
    def total_completions(self) -> int:
        return sum(self.completions.values())


def _month_codes(first: date, last: date) -> list[str]:
    codes, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        codes.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return codes


def trend_months(filters: Filters, now: datetime, earliest: date | None = None) -> list[str]:
    """The months a trend covers: those of the period; without a period, from the month of the
    ``earliest`` enrolment (the last two years at least) to this month."""
    last = filters.end or now.date()
    if filters.start:
        first = filters.start
    else:
        back = last.year * 12 + last.month - 1 - (TREND_MONTHS - 1)
        first = date(back // 12, back % 12 + 1, 1)
        if earliest is not None and earliest < first:
            first = earliest
    return _month_codes(first, last) if first <= last else []


EARLIER = "earlier"


def trend(session: Session, filters: Filters, scope: set[int] | None, *, now: datetime) -> Trend:
    """Enrolments and completions month by month over exactly the report's period, so that the
    months add up to the headline: no month is left out (beyond five years, the oldest months
    are added up in one row "Before …")."""
    summary = summaries.trend_counts(session, filters, scope)   # no period: whole months of the summary
    if summary is not None:
        earliest = summary[0]
    else:
        first = None if filters.start else aggregates.earliest_enrolment(session, filters, scope)
        earliest = first.date() if first else None
    codes = trend_months(filters, now, earliest)
    if not codes:
        return Trend([], {}, {})
    if summary is not None:
        months = {code: int(code[:4]) * 100 + int(code[5:]) for code in codes}
        counts = {series: {code: by_month[month] for code, month in months.items() if by_month.get(month)}
                  for series, by_month in summary[1].items()}
    else:
        period_start, period_end = period_bounds(filters)
        start = period_start or datetime(int(codes[0][:4]), int(codes[0][5:]), 1, tzinfo=UTC)
        year, month = int(codes[-1][:4]), int(codes[-1][5:])
        end = period_end or datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        counts = aggregates.monthly_counts(session, filters, scope, start, end)
    shown, older = codes[-MAX_TREND_MONTHS:], codes[:-MAX_TREND_MONTHS]
    members = DIMENSIONS["month"].members(session, shown)
    months = [members[code] for code in shown]
    if older:
        for series in counts.values():
            series[EARLIER] = sum(series.pop(code, 0) for code in older)
        months.insert(0, Member(EARLIER, EARLIER, _("Before {month}").format(month=members[shown[0]].label), (0,)))
    return Trend(months, counts["enrolments"], counts["completions"])


COHORT_MEASURES = ("enrolled", "active", "completed", "completion_rate", "withdrawn", "certificates_issued",
                   "average_final_score", "awaiting_review", "median_grading_hours")


@dataclass
class CohortRow:
    cohort: Cohort
    values: dict[str, Value]


class CohortPage(Page):
    """A page of the groups table; its items are CohortRow."""

    @property
    def rows(self) -> list[CohortRow]:
        return self.items


def cohorts_query(filters: Filters, scope: set[int] | None):
    """The groups a report lists: in scope, narrowed by the filters that narrow groups (the
    beneficiary, course, format, language, group), running at some time during the period."""
    query = select(Cohort)
    if scope is not None:
        query = query.where(Cohort.beneficiary_id.in_(sorted(scope)) if scope else Cohort.id.is_(None))
    for dimension in filters.dimensions:
        condition = dimension.groups_where(filters.key(dimension.key))
        if condition is not None:
            query = query.where(condition)
    if filters.start:
        query = query.where(Cohort.ends_on >= filters.start)
    if filters.end:
        query = query.where(Cohort.starts_on <= filters.end)
    return query


def cohort_figures(session: Session, filters: Filters, scope: set[int] | None, cohort_ids, *,
                   now: datetime, measures: Sequence[str] = COHORT_MEASURES) -> dict[int, dict[str, Value]]:
    """Figures of each group's members (all of them: the period chose the groups)."""
    found = aggregates.figures(session, filters, scope, dims=["cohort"], groupings=[("cohort",)],
                               measures=measures, now=now, period=False,
                               where=[FACT.cohort.in_(cohort_ids)])
    figures = {key[0]: _values(cell, measures, False) for key, cell in found.at(0).items()}
    for cohort_id, forum in participation(session, cohort_ids).items():
        values = figures.setdefault(cohort_id, _values({}, measures, False))
        values.update(_forum_values(forum))
    return figures


FORUM_MEASURES = ("forum_posts", "forum_share")


def _forum_values(forum: Participation | None) -> dict[str, Value]:
    """Participation in a group's discussion, for a table of several groups: the share of members
    who posted is hidden, like any figure of a small group, below the reporting threshold."""
    if forum is None:
        return {"forum_posts": Value(0), "forum_share": Value(None)}
    return {"forum_posts": Value(forum.posts), "forum_share": Value(forum.share, forum.members < threshold())}


def cohorts_page(session: Session, filters: Filters, scope: set[int] | None, *, page: int,
                 now: datetime) -> CohortPage:
    query = cohorts_query(filters, scope)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(1, page), page_count(total, COHORTS_PER_PAGE))
    cohorts = list(session.scalars(query.order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)
                                   .offset((page - 1) * COHORTS_PER_PAGE).limit(COHORTS_PER_PAGE)))
    figures = cohort_figures(session, filters, scope, [c.id for c in cohorts], now=now) if cohorts else {}
    rows = [CohortRow(c, figures.get(c.id) or {**_values({}, COHORT_MEASURES, False), **_forum_values(None)})
            for c in cohorts]
    return CohortPage(rows, page, COHORTS_PER_PAGE, total)


def all_cohorts(session: Session, filters: Filters, scope: set[int] | None, *,
                now: datetime) -> list[tuple[Cohort, dict[str, Value]]]:
    """Every group of the report with its figures (for an export): three queries in all."""
    query = cohorts_query(filters, scope)
    cohorts = list(session.scalars(query.order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)))
    figures = cohort_figures(session, filters, scope, query.with_only_columns(Cohort.id), now=now)
    return [(c, figures.get(c.id) or {**_values({}, COHORT_MEASURES, False), **_forum_values(None)})
            for c in cohorts]


# Measures aggregated by hashing (no median, no distinct count): the table of six
# beneficiaries needs no sort of every enrolment. Medians by beneficiary are in the pivot.
BENEFICIARY_MEASURES = ("enrolled", "active", "completed", "completion_rate", "withdrawn", "certificates_issued",
                        "certificates_revoked", "average_final_score")


@dataclass
class Overview:
    filters: Filters
    headline: dict[str, Value]
    by_beneficiary: Breakdown
    trend: Trend
    cohorts: CohortPage
    generated_at: datetime


def headline_by_beneficiary(session: Session, filters: Filters, scope: set[int] | None, *,
                            now: datetime) -> tuple[dict[str, Value], Breakdown]:
    """Every headline measure in total, and the beneficiaries' table: added up from the summary
    (``lms.reports.summaries``) for every enrolment or one beneficiary's, else in one statement
    over the fact table (the turnaround of every round needs no join when the view is unrestricted)."""
    found = summaries.figures(session, filters, scope, now=now, table=BENEFICIARY_MEASURES, headline=HEADLINE)
    if found is None:       # a filter or period the summary does not hold: the fact rows themselves
        found = aggregates.figures(session, filters, scope, dims=["beneficiary"], now=now, parts=[
            aggregates.Part(("beneficiary",), BENEFICIARY_MEASURES), aggregates.Part((), HEADLINE)])
    by_beneficiary = _breakdown_from(session, filters, "beneficiary", BENEFICIARY_MEASURES, found)
    headline = _values(found.total(1), HEADLINE, by_beneficiary.protection.hides((TOTAL, TOTAL)))
    return headline, by_beneficiary


def overview(session: Session, viewer, filters: Filters, *, now: datetime, page: int = 1) -> Overview:
    """Headline figures, completion by beneficiary, the monthly trend and the groups."""
    filters, scope = scoped_filters(viewer, filters)
    headline, by_beneficiary = headline_by_beneficiary(session, filters, scope, now=now)
    return Overview(filters, headline, by_beneficiary, trend(session, filters, scope, now=now),
                    cohorts_page(session, filters, scope, page=page, now=now), now)


def kept_overview(session: Session, viewer, filters: Filters, page: int, kind: str,
                  build: Callable[[datetime], T]) -> T:
    """What ``build(now)`` makes of the overview for ``viewer`` (the page's HTML, the API's data,
    named by ``kind``), kept under the data version (``figure_cache``). The viewer's scope comes
    first, and a filter outside it is refused (403), before anything is cached or served."""
    scoped, scope = scoped_filters(viewer, filters)
    now = utcnow()
    key = (figure_cache.scope_key(scope), tuple(sorted(scoped.query_args().items())), page)
    return figure_cache.remember(session, kind, key, now, lambda: build(now))


# --- one group ------------------------------------------------------------------------------

@dataclass
class CohortReport:
    cohort: Cohort
    filters: Filters
    headline: dict[str, Value]
    bands: dict[str, int]
    by_institution: Breakdown
    by_profession: Breakdown
    by_gender: Breakdown
    generated_at: datetime
    forum: Participation | None = None  # participation in the group's discussion


BREAKDOWN_MEASURES = ("enrolled", "completed", "completion_rate", "average_final_score")


def cohort_for_report(session: Session, viewer, cohort_id: int) -> Cohort:
    """The group, if ``viewer`` may see its statistics: 404 if there is none, 403 if not theirs."""
    scope = scope_of(viewer)
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound()
    if not in_scope(scope, cohort.beneficiary_id):
        raise out_of_scope()
    return cohort


def cohort_report(session: Session, viewer, cohort_id: int, *, now: datetime) -> CohortReport:
    """A group's figures: headline, where its members stand, and by institution, profession, gender."""
    cohort = cohort_for_report(session, viewer, cohort_id)
    scope = scope_of(viewer)
    filters = Filters({"cohort": DIMENSIONS["cohort"].member_of(cohort)})
    headline = aggregates.figures(session, filters, scope, dims=[], groupings=[()], measures=HEADLINE, now=now)
    return CohortReport(
        cohort=cohort, filters=filters, headline=_values(headline.total(0), HEADLINE, False),
        bands=aggregates.progress_bands(session, filters, scope),
        by_institution=breakdown(session, filters, scope, "institution", BREAKDOWN_MEASURES, now=now),
        by_profession=breakdown(session, filters, scope, "profession", BREAKDOWN_MEASURES, now=now),
        by_gender=breakdown(session, filters, scope, "gender", BREAKDOWN_MEASURES, now=now),
        generated_at=now, forum=participation(session, [cohort.id]).get(cohort.id))
