"""The donor report's figures: its tables, already protected, with their charts' series."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from lms.core.i18n import _
from lms.reports import aggregates
from lms.reports.dimensions import DIMENSIONS, ordered
from lms.reports.filters import Filters, scoped_filters
from lms.reports.measures import COUNT, DAYS, PERCENT, SCORE
from lms.reports.operations import Value, _breakdown_from, pivots, threshold
from lms.reports.suppression import TOTAL, Protection
from lms.reports.tables import Column, Link, Table, _member_cell, breakdown_table, pivot_table

# By beneficiary, in one statement: completion, knowledge gain, turnaround, certificates.
COMPLETION = ("enrolled", "trainees", "completed", "completion_rate")
GAIN = ("gain_pairs", "mean_pre_score", "mean_paired_final_score", "knowledge_gain")
CERTIFICATES = ("certificates_issued", "certificates_valid", "certificates_expired", "certificates_renewed")
BY_BENEFICIARY = (*COMPLETION, *GAIN, *CERTIFICATES, "median_grading_hours")
# Professionals trained and certified: by beneficiary × gender and by profession × gender.
PEOPLE = ("trainees", "certificates_issued")

TABLES = ("trained-beneficiary-gender", "certified-beneficiary-gender", "trained-profession-gender",
          "certified-profession-gender", "completion", "knowledge-gain", "satisfaction", "turnaround",
          "certificates")


@dataclass
class Bars:
    """A bar chart: one group of bars per category, one bar per series (values may be None)."""

    key: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    kind: str
    maximum: float | None = None     # the scale's end (100 for percentages and scores)


@dataclass
class DonorReport:
    filters: Filters
    scope: set[int] | None
    tables: dict[str, Table]
    charts: list[Bars]
    generated_at: datetime
    min_group: int
    notes: list[str] = field(default_factory=list)
    footnote: bool = False           # Kosovo* is named in it
    row_keys: dict[str, list] = field(default_factory=dict)   # each table's rows: the members' codes

    @property
    def hides_anything(self) -> bool:
        return any(table.hides_anything for table in self.tables.values())


def _by_beneficiary(session: Session, filters: Filters, scope: set[int] | None, now: datetime) -> aggregates.Figures:
    """Every measure by beneficiary and in total. Three statements, each reading only what its
    measures need (the certificate itself; the reviewed rounds), are quicker together than one
    that joins everything for every measure."""
    merged: dict[int, dict[tuple, dict]] = {0: {}, 1: {}}
    for measures in ((*COMPLETION, *GAIN), CERTIFICATES, ("median_grading_hours",)):
        found = aggregates.figures(session, filters, scope, dims=["beneficiary"], now=now, parts=[
            aggregates.Part(("beneficiary",), measures), aggregates.Part((), measures)])
        for level in (0, 1):
            for key, cell in found.at(level).items():
                merged[level].setdefault(key, {}).update(cell)
    return aggregates.Figures(merged)


def _days(value: Value) -> Value:
    return Value(None if value.value is None else value.value / 24.0, value.suppressed)


def _turnaround_table(breakdown, filters: Filters) -> Table:
    rows = [[_member_cell(member, breakdown.dimension), _days(breakdown.values[member.key]["median_grading_hours"])]
            for member in breakdown.members]
    footer = [[_("Total"), _days(breakdown.total["median_grading_hours"])]]
    return Table("turnaround", _("Tutors' grading turnaround"),
                 [Column(str(breakdown.dimension.label)), Column(_("Median days from submission to grade"), DAYS)],
                 rows, footer, filters, breakdown.protection,
                 note=_("Case-study rounds of the period's enrolments reviewed by a tutor: the median number of "
                        "days between the trainee's submission and the tutor's review."))


def label_of(cell) -> str:
    return cell.label if isinstance(cell, Link) else str(cell)


def _satisfaction_table(session: Session, filters: Filters, scope: set[int] | None) -> tuple[Table, list]:
    """The end-of-course evaluations by beneficiary (``lms.surveys.operations.satisfaction``):
    responses, the mean rating on the 1–5 scale and the share of ratings at 4 or 5. Groups of
    too few responses are hidden by the survey's own rule."""
    from lms.surveys.operations import (
        satisfaction,  # the survey feature's one call for other reports
    )

    found = satisfaction(session, scope, start=filters.start, end=filters.end, by="beneficiary")
    dimension = DIMENSIONS["beneficiary"]
    members = ordered(dimension.members(session, {row.key: row for row in found.rows if row.key is not None}))
    by_key = {row.key: row for row in found.rows}
    protection = Protection(found.threshold)

    def cells(row, position) -> list[Value]:
        if row.suppressed:
            protection.suppressed.add(position)
        return [Value(row.responses, row.suppressed), Value(row.mean, row.suppressed),
                Value(row.satisfied_percent, row.suppressed)]

    rows = [[_member_cell(m, dimension), *cells(by_key[m.key], (m.key, TOTAL))] for m in members]
    footer = [[_("Total"), *cells(found.total, (TOTAL, TOTAL))]]
    columns = [Column(str(dimension.label)), Column(_("Evaluations answered"), COUNT),
               Column(_("Mean rating (1 to 5)"), SCORE), Column(_("Satisfied (rating 4 or 5)"), PERCENT)]
    table = Table("satisfaction", _("Satisfaction by beneficiary"), columns, rows, footer, filters, protection,
                  note=_("From the anonymous end-of-course evaluations: every answer on the 1 to 5 scale. An "
                         "evaluation keeps only the month it was answered in, so the period counts whole months; "
                         "a beneficiary with fewer than {n} evaluations is hidden.").format(n=found.threshold))
    return table, [m.code for m in members]


def _series(table: Table, columns: list[int]) -> list[tuple[str, list[float | None]]]:
    return [(table.columns[index].label, [row[index].shown for row in table.rows]) for index in columns]


def donor_report(session: Session, viewer, filters: Filters, *, now: datetime) -> DonorReport:
    """Every table of the report, for the period of ``filters`` within ``viewer``'s scope."""
    filters, scope = scoped_filters(viewer, filters)
    by_gender = pivots(session, filters, scope, measures=PEOPLE, rows="beneficiary", columns="gender", now=now)
    by_profession = pivots(session, filters, scope, measures=PEOPLE, rows="profession", columns="gender", now=now)
    found = _by_beneficiary(session, filters, scope, now)
    beneficiaries = _breakdown_from(session, filters, "beneficiary", BY_BENEFICIARY, found)

    def sub(keys, key, title, note=None):
        part = type(beneficiaries)(beneficiaries.dimension, list(keys), beneficiaries.members,
                                   beneficiaries.values, beneficiaries.total, beneficiaries.protection)
        table = breakdown_table(part, filters, key, title)
        table.note = note
        return table

    def people(result, key, title):
        table = pivot_table(result)
        table.key, table.title = key, title
        return table

    satisfaction_table, satisfaction_keys = _satisfaction_table(session, filters, scope)
    tables = {
        "trained-beneficiary-gender": people(by_gender["trainees"], "trained-beneficiary-gender",
                                             _("Professionals trained, by beneficiary and gender")),
        "certified-beneficiary-gender": people(by_gender["certificates_issued"], "certified-beneficiary-gender",
                                               _("Certificates issued, by beneficiary and gender")),
        "trained-profession-gender": people(by_profession["trainees"], "trained-profession-gender",
                                            _("Professionals trained, by profession and gender")),
        "certified-profession-gender": people(by_profession["certificates_issued"], "certified-profession-gender",
                                              _("Certificates issued, by profession and gender")),
        "completion": sub(COMPLETION, "completion", _("Completion by beneficiary")),
        "knowledge-gain": sub(GAIN, "knowledge-gain", _("Knowledge gain by beneficiary"),
                              _("Scores out of 100 of the trainees who took both the pre-test and the final "
                                "assessment; the gain is the final score minus the pre-test score.")),
        "satisfaction": satisfaction_table,
        "turnaround": _turnaround_table(beneficiaries, filters),
        "certificates": sub(CERTIFICATES, "certificates", _("Certificates by beneficiary"),
                            _("Valid: neither revoked nor past its validity period, today. Renewed: replaced by "
                              "the certificate of a refresher course.")),
    }
    completion, gain = tables["completion"], tables["knowledge-gain"]
    charts = [
        Bars("chart-completion", _("Completion rate by beneficiary"),
             [label_of(row[0]) for row in completion.rows], _series(completion, [4]), PERCENT, 100.0),
        Bars("chart-gain", _("Pre-test and final scores by beneficiary"),
             [label_of(row[0]) for row in gain.rows], _series(gain, [2, 3]), SCORE, 100.0),
    ]
    footnote = any(member.footnote for member in beneficiaries.members)
    codes = {"beneficiary-gender": [m.code for m in by_gender["trainees"].row_members],
             "profession-gender": [m.code for m in by_profession["trainees"].row_members]}
    row_keys = {key: codes[key.split("-", 1)[1]] if key.endswith("-gender") else [m.code for m in beneficiaries.members]
                for key in tables}
    row_keys["satisfaction"] = satisfaction_keys
    report = DonorReport(filters, scope, tables, charts, now, threshold(), footnote=footnote, row_keys=row_keys)
    report.notes = suppression_notes(report)
    return report


def suppression_notes(report: DonorReport, mark: str = "◦") -> list[str]:
    """What the reader must know of hidden figures, in the reader's language; ``mark`` is what
    stands for a hidden figure (the PDF's font has "•", not "◦")."""
    notes = [_("Figures that describe one gender are hidden ({mark}) when fewer than {n} enrolments make them "
               "up; where a total would give a hidden figure away, another figure is hidden with it.").format(
                   mark=mark, n=report.min_group)]
    if report.hides_anything:
        hidden = [table.title for table in report.tables.values() if table.hides_anything]
        notes.append(_("Figures hidden in this report: {tables}.").format(tables="; ".join(hidden)))
    else:
        notes.append(_("No figure of this report is hidden."))
    return notes

