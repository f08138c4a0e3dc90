"""Statistics pages for programme managers and administrators: the overview, the pivot table,
a group's drill-down, and the CSV/XLSX downloads of every table they show."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, g, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lms.accounts.reference import ADMIN, MANAGER
from lms.core.headers import NONCE_KEY, csp_nonce
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.permissions import roles_required
from lms.extensions import db
from lms.reports import charts, exports, operations, schemas, tables
from lms.reports.dimensions import DIMENSIONS, FILTERS, Dimension
from lms.reports.filters import BASES, in_scope, may_view_reports, scope_of
from lms.reports.measures import COUNT, MEASURES, PERCENT

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")
MANAGERS = (MANAGER, ADMIN)


@dataclass(frozen=True)
class FilterField:
    """One filter of a report's form: its dimension, and the (code, name) it offers; None: a
    number to type (too many to list)."""

    dimension: Dimension
    choices: list[tuple[str, str]] | None


def filter_options(*, pivot: bool = False) -> dict:
    """The choices of the filter forms, limited to the viewer's scope: a query per list.

    The pivot table offers every filter; the overview neither the sensitive ones (they are
    refused there) nor those it does not offer (the groups it lists itself)."""
    scope = scope_of(current_user)
    offered = [d for d in FILTERS if pivot or (d.on_overview and not d.sensitive)]
    fields = []
    for dimension in offered:
        members = dimension.choices(db.session, scope)
        if any(member.footnote for member in members or ()):
            g.show_kosovo_footnote = True
        fields.append(FilterField(dimension, None if members is None else [(m.code, m.label) for m in members]))
    options = {"filters": fields, "bases": [(key, str(label)) for key, label in BASES.items()]}
    if pivot:
        options["measures"] = [(key, str(m.label)) for key, m in MEASURES.items()]
        options["dimensions"] = [(key, str(d.label)) for key, d in DIMENSIONS.items()]
    return options


def _chart_rows(table: tables.Table, columns: list[int]) -> list[tuple[str, list]]:
    series = []
    for index in columns:
        values = [row[index].shown if isinstance(row[index], operations.Value) else None for row in table.rows]
        series.append((table.columns[index].label, values))
    return series


def _label(cell) -> str:
    return cell.label if isinstance(cell, tables.Link) else str(cell)


@dataclass(frozen=True)
class CachedContent:
    """The overview's content as rendered: its HTML, the CSP nonce its charts' styles carry, and
    whether it shows the Kosovo* designation (whose footnote the page's foot then gives)."""

    html: str
    nonce: str | None
    footnote: bool


def _overview_content(asked: schemas.OverviewArgs, now) -> CachedContent:
    shown_before = bool(g.get("show_kosovo_footnote"))
    g.show_kosovo_footnote = False      # whether this content shows it, to be told again when served
    result = operations.overview(db.session, current_user, asked.filters, now=now, page=asked.page)
    made = tables.overview_tables(result)
    beneficiaries = made["beneficiaries"]
    categories = [_label(row[0]) for row in beneficiaries.rows]
    completion_chart = completion_rate_chart = None
    if charts.can_chart(len(categories), 2):
        completion_chart = charts.bar_chart(
            "chart-beneficiaries", _("Enrolled and completed by beneficiary"),
            _("Bars for each beneficiary: enrolments and completions. The table beside gives the figures."),
            categories, _chart_rows(beneficiaries, [1, 3]), kind=COUNT)
        completion_rate_chart = charts.bar_chart(
            "chart-beneficiary-rates", _("Completion rate by beneficiary"),
            _("One bar per beneficiary: the share of enrolments completed, in per cent."),
            categories, _chart_rows(beneficiaries, [4]), kind=PERCENT)
    trend = made["trend"]
    trend_chart = None
    if trend.rows:
        trend_chart = charts.line_chart(
            "chart-trend", _("Enrolments and completions by month"),
            _("Two lines over the months of the period: enrolments begun and completions achieved."),
            [row[0] for row in trend.rows], _chart_rows(trend, [1, 2]), kind=COUNT)
    html = render_template(
        "reports/_overview.html", options=filter_options(), errors={}, args=asked.filters.query_args(),
        result=result, tables=made, completion_chart=completion_chart,
        completion_rate_chart=completion_rate_chart, trend_chart=trend_chart,
        filter_args=result.filters.query_args(),
        # The report's groups, for what other features add to the page (attendance).
        cohort_ids=operations.cohorts_query(result.filters, scope_of(current_user)).with_only_columns(
            operations.Cohort.id))
    footnote = bool(g.get("show_kosovo_footnote"))
    g.show_kosovo_footnote = shown_before or footnote
    return CachedContent(html, g.get(NONCE_KEY), footnote)


def _serve(content: CachedContent) -> Markup:
    """Cached content for this response: its charts' styles carry this response's nonce."""
    if content.footnote:
        g.show_kosovo_footnote = True
    html = content.html
    if content.nonce and content.nonce != g.get(NONCE_KEY):
        html = html.replace(f'nonce="{content.nonce}"', f'nonce="{csp_nonce()}"')
    return Markup(html)


@bp.get("")
@roles_required(*MANAGERS)
def overview():
    asked, errors = schemas.read(schemas.OverviewArgsSchema(), request.args)
    if errors:
        content = render_template("reports/_overview.html", options=filter_options(), errors=errors,
                                  args=request.args, result=None)
        return render_template("reports/overview.html", content=Markup(content)), 422
    content = operations.kept_overview(db.session, current_user, asked.filters, asked.page, "overview.html",
                                       lambda now: _overview_content(asked, now))
    return render_template("reports/overview.html", content=_serve(content))


@bp.get("/pivot")
@roles_required(*MANAGERS)
def pivot():
    asked, errors = schemas.read(schemas.PivotArgsSchema(), request.args)
    context = {"options": filter_options(pivot=True), "errors": errors, "args": request.args, "result": None,
               "table": None, "chart": None}
    if "measure" not in request.args and not errors.keys() - {"measure", "rows"}:
        return render_template("reports/pivot.html", **{**context, "errors": {}})   # the empty form
    if errors:
        return render_template("reports/pivot.html", **context), 422
    result = operations.pivot(db.session, current_user, asked.filters, measure=asked.measure, rows=asked.rows,
                              columns=asked.columns, now=utcnow())
    table = tables.pivot_table(result)
    categories = [_label(row[0]) for row in table.rows]
    value_columns = list(range(1, len(table.columns) - (1 if result.columns else 0)))
    chart = None
    if charts.can_chart(len(categories), len(value_columns)):
        description = (_("Horizontal bars, one per row of the table beside, for each column.") if result.columns
                       else _("Horizontal bars, one per row of the table beside."))
        chart = charts.bar_chart("chart-pivot", table.title, description, categories,
                                 _chart_rows(table, value_columns), kind=result.measure.kind, horizontal=True)
    context.update(result=result, table=table, chart=chart, export_args=asked.query_args())
    return render_template("reports/pivot.html", **context)


@bp.get("/cohorts/<int:cohort_id>")
@roles_required(*MANAGERS)
def cohort(cohort_id: int):
    schemas.load(schemas.CohortArgsSchema(), request.args)   # no filters: a gender filter is 422
    report = operations.cohort_report(db.session, current_user, cohort_id, now=utcnow())
    made = tables.cohort_tables(report)
    progress = made["cohort-progress"]
    progress_chart = charts.bar_chart(
        "chart-progress", _("Where the members stand"),
        _("One bar per stage, from withdrawn to completed: how many members are at it."),
        [row[0] for row in progress.rows], _chart_rows(progress, [1]), kind=COUNT)
    if report.cohort.beneficiary.has_footnote:
        g.show_kosovo_footnote = True
    return render_template("reports/cohort.html", report=report, tables=made, progress_chart=progress_chart,
                           export_args={"cohort": str(report.cohort.id)})


@bp.get("/export/<name>.<fmt>")
@roles_required(*MANAGERS)
def export(name: str, fmt: str):
    built = exports.build(db.session, current_user, name, fmt, request.args, now=utcnow())
    return exports.response(built, fmt)


def cohort_link_slot(cohort=None, **_context) -> str:
    """On a group's page (tutors), a link to its statistics for those who may see them."""
    if cohort is None or not may_view_reports(current_user):
        return ""
    if not in_scope(scope_of(current_user), cohort.beneficiary_id):
        return ""
    return render_template("reports/_cohort_link.html", url=url_for("reports.cohort", cohort_id=cohort.id))
