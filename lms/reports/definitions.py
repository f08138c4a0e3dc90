"""What programme statistics can show: the measures, the dimensions, the period bases.

docs/reports.md defines each of them precisely; the SQL that computes them is in
``lms.reports.sql``. Keys are part of the API (``?measure=completed&rows=beneficiary``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.core.i18n import _l

# How a figure is written: a count of people or records, a percentage, a score out of
# 100, a number of days, a number of hours.
COUNT, PERCENT, SCORE, DAYS, HOURS = "count", "percent", "score", "days", "hours"

ACTIVE_DAYS = 30  # "active": activity in the last 30 days


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    kind: str
    description: object


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("enrolled", _l("Enrolled"), COUNT,
            _l("Enrolments, including those later withdrawn.")),
    Measure("trainees", _l("Trainees"), COUNT,
            _l("Different people among the enrolments.")),
    Measure("active", _l("Active in the last 30 days"), COUNT,
            _l("Enrolments not withdrawn with activity in the last 30 days.")),
    Measure("completed", _l("Completed"), COUNT,
            _l("Enrolments whose course has been completed.")),
    Measure("trainees_completed", _l("Trainees who completed"), COUNT,
            _l("Different people who completed at least one of the enrolments.")),
    Measure("withdrawn", _l("Withdrawals"), COUNT,
            _l("Enrolments withdrawn and not re-admitted.")),
    Measure("completion_rate", _l("Completion rate"), PERCENT,
            _l("Completed as a share of enrolled.")),
    Measure("certificates_issued", _l("Certificates issued"), COUNT,
            _l("Certificates issued for the enrolments, revoked ones included.")),
    Measure("certificates_revoked", _l("Certificates revoked"), COUNT,
            _l("Certificates of the enrolments that are revoked now.")),
    Measure("average_final_score", _l("Average final score"), SCORE,
            _l("Mean grade of the final assessment, among enrolments with a graded attempt.")),
    Measure("median_final_score", _l("Median final score"), SCORE,
            _l("Median grade of the final assessment, among enrolments with a graded attempt.")),
    Measure("median_days_to_completion", _l("Median days to completion"), DAYS,
            _l("Median number of calendar days from enrolment to completion.")),
    Measure("median_grading_hours", _l("Median grading turnaround (hours)"), HOURS,
            _l("Median hours from a case-study submission to its review by a tutor.")),
    Measure("awaiting_review", _l("Awaiting review"), COUNT,
            _l("Case-study submissions waiting for a tutor's review now.")),
)}

# The measures read from submission rounds rather than from enrolments.
ROUND_MEASURES = {"median_grading_hours"}


@dataclass(frozen=True)
class Dimension:
    key: str
    label: object
    # Gender is shown only in aggregates, and small groups of it are suppressed.
    sensitive: bool = False
    # Derived from the period basis (enrolment or completion date).
    period: bool = False


DIMENSIONS: dict[str, Dimension] = {d.key: d for d in (
    Dimension("beneficiary", _l("Beneficiary")),
    Dimension("institution", _l("Institution")),
    Dimension("profession", _l("Profession")),
    Dimension("gender", _l("Gender"), sensitive=True),
    Dimension("course", _l("Course")),
    Dimension("format", _l("Course format")),
    Dimension("cohort", _l("Group")),
    Dimension("language", _l("Language")),
    Dimension("month", _l("Month"), period=True),
    Dimension("quarter", _l("Quarter"), period=True),
    Dimension("year", _l("Year"), period=True),
)}

ENROLMENT, COMPLETION = "enrolment", "completion"
BASES = {
    ENROLMENT: _l("Enrolment date"),
    COMPLETION: _l("Completion date"),
}

# The measures shown as headline figures, in order.
HEADLINE = ("enrolled", "trainees", "active", "completed", "trainees_completed", "completion_rate",
            "withdrawn", "certificates_issued", "certificates_revoked", "average_final_score",
            "median_final_score", "median_days_to_completion", "median_grading_hours", "awaiting_review")
