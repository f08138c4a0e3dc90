"""The donor report in the JSON API: its tables as JSON, and the PDF and XLSX downloads."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.models import utcnow
from lms.extensions import db
from lms.reports.api import query, viewers_only
from lms.reports.donor import documents
from lms.reports.donor.schemas import DonorArgsSchema, DonorReportSchema

blp = api_blueprint("reports_donor_api", __name__,
                    "The programme report for donors: for a period and your scope, professionals trained and "
                    "certified, completion, knowledge gain, grading turnaround and certificates, as JSON, PDF "
                    "or XLSX. Programme managers (in their scope) and administrators.")

REFUSED = {403: "Not a manager or administrator.",
           422: "A wrong date, or an end before the start; the errors name each field."}
FILE = {"type": "string", "format": "binary"}


@blp.get("/reports/donor")
@authenticated
@viewers_only
@blp.doc(**query(DonorArgsSchema))
@blp.response(200, DonorReportSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
@blp.alt_response(422, description=REFUSED[422])
def donor():
    """Every table of the programme report, with hidden figures marked and the suppression notes.

    A national manager's report covers their beneficiary only; a regional manager's and an
    administrator's, every beneficiary.
    """
    report, scope = documents.build(db.session, current_user, request.args, now=utcnow())
    return documents.as_json(report, scope)


def _download(fmt: str):
    report, scope = documents.build(db.session, current_user, request.args, now=utcnow())
    return documents.download(report, scope, fmt)


@blp.get("/reports/donor.pdf")
@authenticated
@viewers_only
@blp.doc(**query(DonorArgsSchema))
@blp.response(200, FILE, content_type=documents.FORMATS["pdf"],
              description="The report with its bar charts, in your language.")
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
@blp.alt_response(422, description=REFUSED[422])
def donor_pdf():
    """Download the programme report as PDF."""
    return _download("pdf")


@blp.get("/reports/donor.xlsx")
@authenticated
@viewers_only
@blp.doc(**query(DonorArgsSchema))
@blp.response(200, FILE, content_type=documents.FORMATS["xlsx"],
              description="The same tables, a sheet each, and a sheet of notes.")
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description=REFUSED[403])
@blp.alt_response(422, description=REFUSED[422])
def donor_xlsx():
    """Download the programme report as XLSX."""
    return _download("xlsx")
