"""JSON API of programme statistics: the same figures as the dashboard, and its exports."""

from __future__ import annotations

from functools import wraps

from flask import current_app, request
from flask_login import current_user

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotAllowed
from lms.core.models import utcnow
from lms.extensions import db
from lms.reports import exports, operations, schemas
from lms.reports.dimensions import DIMENSIONS
from lms.reports.filters import may_view_reports
from lms.reports.measures import MEASURES
from lms.reports.schemas import (
    CatalogueSchema,
    CohortArgsSchema,
    CohortReportSchema,
    ExportArgsSchema,
    OverviewArgsSchema,
    OverviewSchema,
    PivotArgsSchema,
    PivotSchema,
)
from lms.reports.tables import EXPORTABLE

blp = api_blueprint("reports_api", __name__,
                    "Programme statistics: headline figures, any measure by one or two dimensions, a group's "
                    "figures, and CSV/XLSX exports. Programme managers (in their scope) and administrators.")

REFUSED = {403: "Not a manager or administrator, or a beneficiary, institution or group outside your scope.",
           422: "An unknown measure, dimension or filter value; the errors name each field."}


def viewers_only(view):
    """Managers and administrators, before their arguments are even read (as the pages)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not may_view_reports(current_user):
            raise NotAllowed()
        return view(*args, **kwargs)

    return wrapped


def query(schema) -> dict:
    """Document a report's query arguments; the handler reads them with the same schema as the page."""
    return {"parameters": [{"in": "query", "schema": schema}]}


def _figure(value) -> dict:
    return {"value": value.shown, "suppressed": value.suppressed}


def _figures(values: dict, keys) -> dict:
    return {key: _figure(values[key]) for key in keys}


def _member(member) -> dict:
    return {"key": member.code, "label": member.label}


def _applied(filters, generated_at) -> dict:
    return {"filters": filters.query_args(), "generated_at": generated_at,
            "min_group": current_app.config["LMS_REPORT_MIN_GROUP"]}


def _cohort(cohort) -> dict:
    return {"id": cohort.id, "name": cohort.name, "course": cohort.course.slug,
            "beneficiary": cohort.beneficiary.code, "language": cohort.language,
            "starts_on": cohort.starts_on, "ends_on": cohort.ends_on}


def _breakdown(result) -> dict:
    return {"dimension": result.dimension.key,
            "rows": [{"member": _member(m), "figures": _figures(result.values[m.key], result.measures)}
                     for m in result.members],
            "total": _figures(result.total, result.measures)}


@blp.get("/reports/measures")
@authenticated
@viewers_only
@blp.response(200, CatalogueSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
def catalogue():
    """The measures and dimensions reports offer, with what each means."""
    return {
        "measures": [{"key": m.key, "label": str(m.label), "kind": m.kind, "description": str(m.description)}
                     for m in MEASURES.values()],
        "dimensions": [{"key": d.key, "label": str(d.label), "sensitive": d.sensitive} for d in DIMENSIONS.values()],
        "tables": list(EXPORTABLE), "min_group": current_app.config["LMS_REPORT_MIN_GROUP"],
    }


@blp.get("/reports/overview")
@authenticated
@viewers_only
@blp.doc(**query(OverviewArgsSchema))
@blp.response(200, OverviewSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
@blp.alt_response(422, description=REFUSED[422])
def overview():
    """Headline figures of the period, completion by beneficiary, the monthly trend, and the groups."""
    asked = schemas.load(OverviewArgsSchema(), request.args)
    return operations.kept_overview(db.session, current_user, asked.filters, asked.page, "overview.json",
                                    lambda now: _overview(asked, now))


def _overview(asked, now) -> dict:
    result = operations.overview(db.session, current_user, asked.filters, now=now, page=asked.page)
    breakdown = result.by_beneficiary
    cohorts = result.cohorts
    return {
        **_applied(result.filters, result.generated_at),
        "headline": _figures(result.headline, result.headline.keys()),
        "by_beneficiary": {
            "rows": [{"beneficiary": _member(m), "figures": _figures(breakdown.values[m.key], operations.BENEFICIARY_MEASURES)}
                     for m in breakdown.members],
            "total": _figures(breakdown.total, operations.BENEFICIARY_MEASURES)},
        "trend": [{"month": m.key, "label": m.label, "enrolments": result.trend.enrolments.get(m.key, 0),
                   "completions": result.trend.completions.get(m.key, 0)} for m in result.trend.months],
        "cohorts": {"items": [{**_cohort(row.cohort), "figures": _figures(row.values, operations.COHORT_MEASURES)}
                              for row in cohorts.rows],
                    "page": cohorts.page, "pages": cohorts.pages, "total": cohorts.total},
    }


@blp.get("/reports/pivot")
@authenticated
@viewers_only
@blp.doc(**query(PivotArgsSchema))
@blp.response(200, PivotSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
@blp.alt_response(422, description=REFUSED[422])
def pivot():
    """Any measure by one dimension (`rows`) or two (`rows` and `columns`), with totals.

    Cells keyed by gender, and every cell when filtered by gender, are hidden below
    `min_group` enrolments, with complementary cells so that totals cannot reveal them.
    """
    asked = schemas.load(PivotArgsSchema(), request.args)
    result = operations.pivot(db.session, current_user, asked.filters, measure=asked.measure, rows=asked.rows,
                              columns=asked.columns, now=utcnow())
    rows = {m.key: m.code for m in result.row_members}
    columns = {m.key: m.code for m in result.column_members}
    return {
        **_applied(result.filters, result.generated_at),
        "measure": {"key": result.measure.key, "label": str(result.measure.label), "kind": result.measure.kind},
        "rows": result.rows.key, "columns": result.columns.key if result.columns else None,
        "row_members": [_member(m) for m in result.row_members],
        "column_members": [_member(m) for m in result.column_members],
        "cells": [{"row": rows[r], "column": columns[c], **_figure(v)} for (r, c), v in result.cells.items()],
        "row_totals": [{"row": rows[r], "column": None, **_figure(v)} for r, v in result.row_totals.items()],
        "column_totals": [{"row": None, "column": columns[c], **_figure(v)}
                          for c, v in result.column_totals.items()],
        "total": _figure(result.total),
        "suppressed_count": len(result.protection.suppressed),
    }


@blp.get("/reports/cohorts/<int:cohort_id>")
@authenticated
@viewers_only
@blp.doc(**query(CohortArgsSchema))
@blp.response(200, CohortReportSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="A group of another beneficiary than yours, or not a manager.")
@blp.alt_response(404, description="No such group.")
@blp.alt_response(422, description="A filter: a group's figures are all its members' (gender is refused).")
def cohort(cohort_id: int):
    """A group's figures: headline, where its members stand, by institution, profession and gender."""
    schemas.load(CohortArgsSchema(), request.args)   # no filters: a gender filter is 422
    report = operations.cohort_report(db.session, current_user, cohort_id, now=utcnow())
    return {
        **_applied(report.filters, report.generated_at),
        "cohort": _cohort(report.cohort), "headline": _figures(report.headline, report.headline.keys()),
        "progress": report.bands, "by_institution": _breakdown(report.by_institution),
        "by_profession": _breakdown(report.by_profession), "by_gender": _breakdown(report.by_gender),
    }


FILE = {"type": "string", "format": "binary"}


@blp.get("/reports/exports/<name>.<fmt>")
@authenticated
@viewers_only
@blp.doc(**query(ExportArgsSchema))
@blp.response(200, FILE, content_type="text/csv",
              description="The table with its title, filters, scope and time in the first rows. "
                          "`.csv` is streamed; `.xlsx` "
                          "(application/vnd.openxmlformats-officedocument.spreadsheetml.sheet) is the same table.")
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
@blp.alt_response(404, description="No such table or file format.")
@blp.alt_response(422, description=REFUSED[422])
def export(name: str, fmt: str):
    """Download a table of the dashboard as CSV or XLSX.

    `name`: headline, beneficiaries, trend, cohorts (every group), pivot (with `measure`, `rows`,
    `columns`), cohort-headline, cohort-progress, cohort-institutions, cohort-professions,
    cohort-genders (with `cohort`), or trainees: one row per enrolment in your scope with the
    trainee's profile (never their gender), status, progress, dates, final score and certificate.
    """
    built = exports.build(db.session, current_user, name, fmt, request.args, now=utcnow())
    return exports.response(built, fmt)

