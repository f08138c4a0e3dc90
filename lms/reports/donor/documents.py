"""The donor report through both doors: read the arguments, build it, answer it as JSON, a
PDF or an XLSX download (rendered in the request: bench/donor.py measures it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Response, current_app, url_for
from sqlalchemy.orm import Session

from lms.accounts.reference import KOSOVO_FOOTNOTE
from lms.reports import schemas as report_schemas
from lms.reports.donor import pdf, workbook
from lms.reports.donor.report import DonorReport, donor_report, label_of
from lms.reports.donor.schemas import DonorArgsSchema
from lms.reports.exports import scope_label
from lms.reports.operations import Value
from lms.reports.tables import Table

FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def build(session: Session, viewer, args: Mapping, *, now: datetime) -> tuple[DonorReport, str]:
    """The report the query string asks for (422 naming a wrong argument), and its scope in words."""
    filters = report_schemas.load(DonorArgsSchema(), args)
    report = donor_report(session, viewer, filters, now=now)
    return report, scope_label(session, viewer)


def _figure(cell) -> dict:
    if isinstance(cell, Value):
        return {"value": cell.shown, "suppressed": cell.suppressed}
    return {"value": None, "suppressed": False}


def _row(cells: list, key=None) -> dict:
    return {"label": label_of(cells[0]), "key": key, "figures": [_figure(cell) for cell in cells[1:]]}


def _table(table: Table, keys: list) -> dict:
    hidden = sum(1 for row in table.all_rows() for cell in row if isinstance(cell, Value) and cell.suppressed)
    return {"key": table.key, "title": table.title,
            "columns": [{"label": column.label, "kind": column.kind} for column in table.columns],
            "rows": [_row(row, key) for row, key in zip(table.rows, keys, strict=False)],
            "total": _row(table.footer[0]) if table.footer else None,
            "note": table.note, "suppressed_count": hidden}


def as_json(report: DonorReport, scope: str) -> dict:
    args = report.filters.query_args()
    return {
        "filters": args, "generated_at": report.generated_at, "min_group": report.min_group, "scope": scope,
        "tables": [_table(table, report.row_keys.get(key, [])) for key, table in report.tables.items()],
        "notes": report.notes, "footnote": str(KOSOVO_FOOTNOTE) if report.footnote else None,
        "downloads": {fmt: url_for(f"reports_donor_api.donor_{fmt}", **args) for fmt in FORMATS},
    }


def file_name(report: DonorReport, fmt: str) -> str:
    return f"programme-report-{report.generated_at.strftime('%Y%m%d-%H%M')}.{fmt}"


def download(report: DonorReport, scope: str, fmt: str) -> Response:
    issuer = current_app.config["LMS_ISSUER_NAME"]
    body = pdf.render(report, scope=scope, issuer_name=issuer) if fmt == "pdf" else workbook.render(report,
                                                                                                      scope=scope)
    response = Response(body, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(report, fmt)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response

