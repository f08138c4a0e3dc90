"""What the HTML pages and the JSON API share: reading a request's report arguments, and
building any export by its name. Both doors call these, so a rule lives in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from lms.core.errors import ValidationFailed
from lms.core.i18n import _
from lms.reports import exports, operations, tables
from lms.reports.filters import (
    FILTER_FIELDS,
    WITHOUT_GENDER,
    Filters,
    parse_filters,
    scoped_filters,
)

# The overview, a group's page and the per-trainee export take every filter but gender.
OVERVIEW_FILTERS = WITHOUT_GENDER
PIVOT_FILTERS = FILTER_FIELDS


def page_number(args: Mapping) -> int:
    try:
        return max(1, int(args.get("page") or 1))
    except (TypeError, ValueError):
        return 1


def pivot_arguments(args: Mapping) -> tuple[str, str, str | None]:
    measure = (args.get("measure") or "").strip() or None
    rows = (args.get("rows") or "").strip() or None
    columns = (args.get("columns") or "").strip() or None
    operations.check_pivot_arguments(measure, rows, columns)
    return measure, rows, columns


def cohort_argument(args: Mapping) -> int:
    try:
        value = int(args.get("cohort") or "")
    except (TypeError, ValueError):
        raise ValidationFailed(_("Say which group: its number."), field="cohort") from None
    if not 0 < value < 2**31:
        raise ValidationFailed(_("Say which group: its number."), field="cohort")
    return value


def build_export(session: Session, viewer, name: str, args: Mapping, *, now: datetime) -> exports.Export:
    """The export called ``name`` with the request's filters (403/422 as for the page it comes from)."""
    if name not in tables.EXPORTABLE:
        raise ValidationFailed(_("There is no such table to export."), field="table")
    scope_name = exports.scope_label(session, viewer)
    if name in tables.COHORT_TABLES:
        report = operations.cohort_report(session, viewer, cohort_argument(args), now=now)
        return exports.table_export(tables.cohort_tables(report)[name], generated_at=now, scope=scope_name)
    if name == "pivot":
        filters = parse_filters(session, viewer, args, PIVOT_FILTERS)
        measure, rows, columns = pivot_arguments(args)
        result = operations.pivot(session, viewer, filters, measure=measure, rows=rows, columns=columns, now=now)
        return exports.table_export(tables.pivot_table(result), generated_at=now, scope=scope_name)
    filters: Filters = parse_filters(session, viewer, args, OVERVIEW_FILTERS)
    filters, scope = scoped_filters(viewer, filters)
    if name == "trainees":
        return exports.trainee_export(session, viewer, filters, generated_at=now)
    if name == "trend":
        table = tables.trend_table(operations.trend(session, filters, scope, now=now), filters)
    elif name == "cohorts":
        table = tables.cohorts_table(operations.all_cohorts(session, filters, scope, now=now), filters)
    else:
        headline, by_beneficiary = operations.headline_by_beneficiary(session, filters, scope, now=now)
        table = (tables.headline_table(headline, filters) if name == "headline" else
                 tables.breakdown_table(by_beneficiary, filters, "beneficiaries", _("Completion by beneficiary")))
    return exports.table_export(table, generated_at=now, scope=scope_name)
