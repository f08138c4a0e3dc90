"""What programme statistics count: the measures, how each is written, the headline.

docs/reports.md defines each of them precisely; ``lms.reports.aggregates`` computes them.
Keys are part of the API (``?measure=completed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.core.i18n import _l

# How a figure is written: a count of people or records, a percentage, a score out of
# 100 (a knowledge gain too: a difference of scores, signed), a number of days, a number of hours.
COUNT, PERCENT, SCORE, DAYS, HOURS = "count", "percent", "score", "days", "hours"

ACTIVE_DAYS = 30  # "active": activity in the last 30 days


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    kind: str
    description: object

    @property
    def empty(self) -> int | None:
        """The figure of no enrolments: 0 for a count, none otherwise."""
        return 0 if self.kind == COUNT else None


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
    Measure("certificates_valid", _l("Certificates valid now"), COUNT,
            _l("Certificates neither revoked nor past their validity period.")),
    Measure("certificates_expired", _l("Certificates expired"), COUNT,
            _l("Certificates past their validity period (not revoked).")),
    Measure("certificates_renewed", _l("Certificates renewed"), COUNT,
            _l("Certificates renewed by the holder's completion of a refresher course.")),
    Measure("average_final_score", _l("Average final score"), SCORE,
            _l("Mean grade of the final assessment, among enrolments with a graded attempt.")),
    Measure("median_final_score", _l("Median final score"), SCORE,
            _l("Median grade of the final assessment, among enrolments with a graded attempt.")),
    Measure("gain_pairs", _l("Trainees with pre-test and final"), COUNT,
            _l("Enrolments with both a graded pre-test and a graded final assessment: those the knowledge "
               "gain is measured on.")),
    Measure("mean_pre_score", _l("Mean pre-test score"), SCORE,
            _l("Mean grade of the pre-test, among enrolments with both a pre-test and a final assessment.")),
    Measure("mean_paired_final_score", _l("Mean final score (with pre-test)"), SCORE,
            _l("Mean grade of the final assessment, among enrolments with both a pre-test and a final "
               "assessment.")),
    Measure("knowledge_gain", _l("Knowledge gain"), SCORE,
            _l("Mean final score minus mean pre-test score, in points out of 100, among enrolments with both.")),
    Measure("median_days_to_completion", _l("Median days to completion"), DAYS,
            _l("Median number of calendar days from enrolment to completion.")),
    Measure("median_grading_hours", _l("Median grading turnaround (hours)"), HOURS,
            _l("Median hours from a case-study submission to its review by a tutor.")),
    Measure("awaiting_review", _l("Awaiting review"), COUNT,
            _l("Case-study submissions waiting for a tutor's review now.")),
)}

# The measures read from submission rounds rather than from enrolments.
ROUND_MEASURES = {"median_grading_hours"}

# The measures shown as headline figures, in order.
HEADLINE = ("enrolled", "trainees", "active", "completed", "trainees_completed", "completion_rate",
            "withdrawn", "certificates_issued", "certificates_revoked", "certificates_valid",
            "certificates_expired", "certificates_renewed", "average_final_score",
            "median_final_score", "gain_pairs", "mean_pre_score", "mean_paired_final_score", "knowledge_gain",
            "median_days_to_completion", "median_grading_hours", "awaiting_review")
