"""Survey rules, by use case: answering (``answering``), results (``results``), and the
satisfaction figure of other reports (``satisfaction``). Operations flush and raise domain
errors; the request boundary commits. Both doors use them from here.

For the programme report for donors, one stable call (its signature is kept as it is)::

    from lms.surveys.operations import satisfaction

    figures = satisfaction(session, scope, start=date(2025, 1, 1), end=date(2025, 12, 31),
                           by="beneficiary", course_id=None)
    figures.total.mean               # mean rating on the 1–5 scale, every scale item (None: hidden)
    figures.total.satisfied_percent  # share of ratings at 4 or 5 ("agree", "strongly agree")
    figures.total.responses          # number of evaluations answered
    for row in figures.rows: ...     # row.key is a beneficiary id (or cohort id, language,
                                     # gender code, course id, as ``by`` says); row.suppressed
    figures.hides_anything, figures.threshold   # for the suppression note

``scope`` is a set of beneficiary ids (None: every beneficiary), as
``lms.reports.filters.scope_of(viewer)`` gives it; the caller checks the viewer's right to it.
A response keeps only the month it was answered in, so a period counts the whole months it
touches. Groups of fewer than ``LMS_REPORT_MIN_GROUP`` responses are hidden (with another where
needed so that the total cannot give them back).
"""

from lms.surveys.operations.answering import (
    ANSWERED,
    NOT_YET,
    OPEN,
    SurveyState,
    clean_answers,
    has_answered,
    holds_certificate,
    submit_response,
    survey_of,
    survey_state,
)
from lms.surveys.operations.results import (
    BREAKDOWNS,
    Access,
    Figures,
    ItemResult,
    SurveyResults,
    may_view_results,
    results_access,
    survey_results,
)
from lms.surveys.operations.satisfaction import Satisfaction, SatisfactionRow, satisfaction

__all__ = [
    "ANSWERED", "BREAKDOWNS", "NOT_YET", "OPEN", "Access", "Figures", "ItemResult", "Satisfaction", "SatisfactionRow",
    "SurveyResults", "SurveyState", "clean_answers", "has_answered", "holds_certificate", "may_view_results",
    "results_access", "satisfaction", "submit_response", "survey_of", "survey_results", "survey_state",
]
