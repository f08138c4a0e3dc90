"""The programme report page for donors, and its PDF and XLSX downloads (on the statistics
blueprint: /reports/donor)."""

from __future__ import annotations

from flask import abort, g, render_template, request
from flask_login import current_user

from lms.core.i18n import _
from lms.core.models import utcnow
from lms.core.permissions import roles_required
from lms.extensions import db
from lms.reports import charts
from lms.reports import schemas as report_schemas
from lms.reports.donor import documents
from lms.reports.donor.report import donor_report
from lms.reports.donor.schemas import DonorArgsSchema
from lms.reports.exports import scope_label
from lms.reports.views import MANAGERS, bp

CHART_TEXT = {
    "chart-completion": lambda: _("One bar per beneficiary: the share of enrolments completed, in per cent."),
    "chart-gain": lambda: _("Two bars per beneficiary: the mean pre-test score and the mean final score of the "
                            "trainees who took both."),
}


@bp.get("/donor")
@roles_required(*MANAGERS)
def donor():
    filters, errors = report_schemas.read(DonorArgsSchema(), request.args)
    context = {"errors": errors, "args": request.args, "report": None, "charts": {}, "scope": None}
    if errors:
        return render_template("reports/donor.html", **context), 422
    report = donor_report(db.session, current_user, filters, now=utcnow())
    drawn = {}
    for chart in report.charts:
        if charts.can_chart(len(chart.categories), len(chart.series)):
            drawn[chart.key] = (charts.bar_chart(chart.key, chart.title, CHART_TEXT[chart.key](), chart.categories,
                                          chart.series, kind=chart.kind))
    if report.footnote:
        g.show_kosovo_footnote = True
    context.update(report=report, charts=drawn, scope=scope_label(db.session, current_user),
                   download_args=report.filters.query_args())
    return render_template("reports/donor.html", **context)


@bp.get("/donor.<fmt>")
@roles_required(*MANAGERS)
def donor_download(fmt: str):
    if fmt not in documents.FORMATS:
        abort(404)
    report, scope = documents.build(db.session, current_user, request.args, now=utcnow())
    return documents.download(report, scope, fmt)
