"""Statistics pages for programme managers and administrators: the overview, the pivot table,
a group's drill-down, and the CSV/XLSX downloads of every table they show."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import Beneficiary, Institution
from lms.accounts.reference import ADMIN, GENDERS, MANAGER, PROFESSIONS
from lms.core.errors import ValidationFailed
from lms.core.i18n import LANGUAGES, _
from lms.core.models import utcnow
from lms.core.permissions import roles_required
from lms.courses.models import Course
from lms.extensions import db
from lms.reports import charts, doors, exports, operations, tables
from lms.reports.definitions import BASES, COUNT, DIMENSIONS, MEASURES, PERCENT
from lms.reports.filters import Filters, may_view_reports, parse_filters, scope_of
from lms.tutors.models import Cohort

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")
MANAGERS = (MANAGER, ADMIN)
MAX_COHORT_CHOICES = 300


def filter_options(*, pivot: bool = False) -> dict:
    """The choices of the filter forms, limited to the viewer's scope: a query per list."""
    scope = scope_of(current_user)
    beneficiaries = [b for b in db.session.scalars(select(Beneficiary).order_by(Beneficiary.code))
                     if scope is None or b.id in scope]
    if any(b.has_footnote for b in beneficiaries):
        g.show_kosovo_footnote = True
    institutions = select(Institution.id, Institution.name, Beneficiary.code).join(
        Beneficiary, Beneficiary.id == Institution.beneficiary_id).order_by(Beneficiary.code, Institution.name)
    if scope is not None:
        institutions = institutions.where(Institution.beneficiary_id.in_(sorted(scope)))
    options = {
        "beneficiaries": [(b.code, b.name) for b in beneficiaries],
        "institutions": [(str(i), f"{name} ({code})") for i, name, code in db.session.execute(institutions)],
        "professions": [(key, str(label)) for key, label in PROFESSIONS.items()],
        "courses": [(c.slug, c.title_in()) for c in db.session.scalars(select(Course).order_by(Course.slug))],
        "formats": [("tutored", _("Tutored")), ("self-paced", _("Self-paced"))],
        "languages": [(code, language.native_name) for code, language in LANGUAGES.items()],
        "bases": [(key, str(label)) for key, label in BASES.items()],
        "single_beneficiary": scope is not None and len(scope) == 1,
    }
    if pivot:
        options["genders"] = [(key, str(label)) for key, label in GENDERS.items()]
        cohorts = select(Cohort.id, Cohort.name).order_by(Cohort.starts_on.desc(), Cohort.name)
        if scope is not None:
            cohorts = cohorts.where(Cohort.beneficiary_id.in_(sorted(scope)))
        found = db.session.execute(cohorts.limit(MAX_COHORT_CHOICES + 1)).all()
        options["cohorts"] = [(str(i), name) for i, name in found] if len(found) <= MAX_COHORT_CHOICES else None
        options["measures"] = [(key, str(m.label)) for key, m in MEASURES.items()]
        options["dimensions"] = [(key, str(d.label)) for key, d in DIMENSIONS.items()]
    return options


def _read_filters(allowed) -> tuple[Filters | None, dict]:
    try:
        return parse_filters(db.session, current_user, request.args, allowed), {}
    except ValidationFailed as exc:
        return None, exc.errors


def _chart_rows(table: tables.Table, columns: list[int]) -> list[tuple[str, list]]:
    series = []
    for index in columns:
        values = [row[index].shown if isinstance(row[index], operations.Value) else None for row in table.rows]
        series.append((table.columns[index].label, values))
    return series


def _label(cell) -> str:
    return cell.label if isinstance(cell, tables.Link) else str(cell)


@bp.get("")
@roles_required(*MANAGERS)
def overview():
    filters, errors = _read_filters(doors.OVERVIEW_FILTERS)
    context = {"options": filter_options(), "errors": errors, "args": request.args, "result": None}
    if filters is None:
        return render_template("reports/overview.html", **context), 422
    result = operations.overview(db.session, current_user, filters, now=utcnow(),
                                 page=doors.page_number(request.args))
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
    context.update(result=result, tables=made, completion_chart=completion_chart,
                   completion_rate_chart=completion_rate_chart, trend_chart=trend_chart,
                   filter_args=result.filters.query_args())
    return render_template("reports/overview.html", **context)


@bp.get("/pivot")
@roles_required(*MANAGERS)
def pivot():
    filters, errors = _read_filters(doors.PIVOT_FILTERS)
    context = {"options": filter_options(pivot=True), "errors": errors, "args": request.args, "result": None,
               "table": None, "chart": None}
    if "measure" not in request.args and not errors:
        return render_template("reports/pivot.html", **context)   # the empty form
    try:
        measure, rows, columns = doors.pivot_arguments(request.args)
    except ValidationFailed as exc:
        errors = {**errors, **exc.errors}
    if errors:
        context["errors"] = errors
        return render_template("reports/pivot.html", **context), 422
    result = operations.pivot(db.session, current_user, filters, measure=measure, rows=rows, columns=columns,
                              now=utcnow())
    table = tables.pivot_table(result)
    categories = [_label(row[0]) for row in table.rows]
    value_columns = list(range(1, len(table.columns) - (1 if result.columns else 0)))
    chart = None
    if charts.can_chart(len(categories), len(value_columns)):
        description = (_("Horizontal bars, one per row of the table beside, for each column.") if result.columns
                       else _("Horizontal bars, one per row of the table beside."))
        chart = charts.bar_chart("chart-pivot", table.title, description, categories,
                                 _chart_rows(table, value_columns), kind=result.measure.kind, horizontal=True)
    export_args = {**result.filters.query_args(), "measure": measure, "rows": rows}
    if columns:
        export_args["columns"] = columns
    context.update(result=result, table=table, chart=chart, export_args=export_args)
    return render_template("reports/pivot.html", **context)


@bp.get("/cohorts/<int:cohort_id>")
@roles_required(*MANAGERS)
def cohort(cohort_id: int):
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
    if fmt not in exports.FORMATS:
        raise ValidationFailed(_("Choose CSV or XLSX."), field="format")
    built = doors.build_export(db.session, current_user, name, request.args, now=utcnow())
    return exports.response(built, fmt)


def cohort_link_slot(cohort=None, **_context) -> str:
    """On a group's page (tutors), a link to its statistics for those who may see them."""
    if cohort is None or not may_view_reports(current_user):
        return ""
    scope = scope_of(current_user)
    if scope is not None and cohort.beneficiary_id not in scope:
        return ""
    return render_template("reports/_cohort_link.html", url=url_for("reports.cohort", cohort_id=cohort.id))
