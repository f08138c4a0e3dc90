"""Every table the dashboard shows, as one shape that pages render and exports write.

A cell is text, a ``Link`` (a name that leads somewhere on the page), a date, or a
``Value`` (a figure, possibly hidden). Columns say how their figures are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import format_date
from markupsafe import Markup, escape

from lms.core.i18n import LANGUAGES, _
from lms.reports.aggregates import PROGRESS_BANDS
from lms.reports.charts import formatter
from lms.reports.dimensions import Dimension, Member
from lms.reports.filters import Filters
from lms.reports.measures import COUNT, HEADLINE, MEASURES, PERCENT
from lms.reports.operations import (
    COHORT_MEASURES,
    Breakdown,
    CohortReport,
    Overview,
    Pivot,
    Trend,
    Value,
)
from lms.reports.suppression import Protection

TEXT, DATE = "text", "date"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind not in (TEXT, DATE)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    lang: str | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    footer: list[list] = field(default_factory=list)
    filters: Filters | None = None
    protection: Protection | None = None
    note: str | None = None
    # When one column's figures are of a different kind in each row (the headline's values).
    row_kinds: list[str] | None = None

    @property
    def hides_anything(self) -> bool:
        return bool(self.protection and self.protection.active)

    def all_rows(self) -> Iterator[list]:
        yield from self.rows
        yield from self.footer

    def kind_of(self, row_index: int, column_index: int) -> str:
        if (self.row_kinds is not None and self.columns[column_index].numeric
                and row_index < len(self.row_kinds)):
            return self.row_kinds[row_index]
        return self.columns[column_index].kind


def measure_column(key: str) -> Column:
    measure = MEASURES[key]
    return Column(str(measure.label), measure.kind)


def _member_cell(member: Member, dimension: Dimension):
    url = dimension.url(member)
    if url or member.lang:
        return Link(member.label, url or "", member.lang)
    return member.label


def report_cell(cell, kind: str) -> Markup:
    """A table cell as HTML: a figure written for the reader's locale, or marked as hidden."""
    if isinstance(cell, Value):
        if cell.suppressed:
            return Markup('<span class="suppressed"><span aria-hidden="true">◦</span>'
                          '<span class="visually-hidden">{}</span></span>').format(_("hidden"))
        if cell.value is None:
            return Markup('<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>').format(
                _("none"))
        return escape(formatter(kind)(cell.value))
    if isinstance(cell, Link):
        lang = Markup(' lang="{}"').format(cell.lang) if cell.lang else Markup("")
        if cell.url:
            return Markup('<a href="{}"{}>{}</a>').format(cell.url, lang, cell.label)
        return Markup("<span{}>{}</span>").format(lang, cell.label)
    if isinstance(cell, date):
        return escape(format_date(cell))
    return escape("" if cell is None else str(cell))


# --- overview ------------------------------------------------------------------------------

def headline_table(headline: dict[str, Value], filters: Filters, key: str = "headline",
                   title: str | None = None) -> Table:
    rows = [[str(MEASURES[m].label), Value(headline[m].value, headline[m].suppressed)] for m in HEADLINE]
    return Table(key, title or _("Headline figures"), [Column(_("Measure")), Column(_("Value"), COUNT)], rows,
                 filters=filters, row_kinds=[MEASURES[m].kind for m in HEADLINE])


def breakdown_table(result: Breakdown, filters: Filters, key: str, title: str) -> Table:
    columns = [Column(str(result.dimension.label))] + [measure_column(m) for m in result.measures]
    rows = [[_member_cell(member, result.dimension)] + [result.values[member.key][m] for m in result.measures]
            for member in result.members]
    footer = [[_("Total")] + [result.total[m] for m in result.measures]]
    return Table(key, title, columns, rows, footer, filters, result.protection)


def beneficiaries_table(result: Overview) -> Table:
    return breakdown_table(result.by_beneficiary, result.filters, "beneficiaries", _("Completion by beneficiary"))


def trend_table(trend: Trend, filters: Filters) -> Table:
    columns = [Column(_("Month")), Column(_("Enrolments"), COUNT), Column(_("Completions"), COUNT)]
    rows = [[month.label, Value(trend.enrolments.get(month.key, 0)), Value(trend.completions.get(month.key, 0))]
            for month in trend.months]
    footer = [[_("Total"), Value(trend.total_enrolments), Value(trend.total_completions)]]
    return Table("trend", _("Enrolments and completions by month"), columns, rows, footer, filters,
                 note=_("Enrolments by the month they began, completions by the month they were achieved."))


def cohort_columns() -> list[Column]:
    return [Column(_("Group")), Column(_("Course")), Column(_("Beneficiary")), Column(_("Language")),
            Column(_("Starts"), DATE), Column(_("Ends"), DATE)] + [measure_column(m) for m in COHORT_MEASURES] + [
        Column(_("Forum posts"), COUNT), Column(_("Members who posted in the forum"), PERCENT)]


def cohort_row(cohort, values: dict[str, Value]) -> list:
    language = LANGUAGES.get(cohort.language)
    return [Link(cohort.name, url_for("reports.cohort", cohort_id=cohort.id)), cohort.course.title_in(),
            cohort.beneficiary.name,
            Link(language.native_name, "", language.html_lang) if language else cohort.language,
            cohort.starts_on, cohort.ends_on] + [values[m] for m in COHORT_MEASURES] + [
        values.get("forum_posts") or Value(0), values.get("forum_share") or Value(None)]


def cohorts_table(rows: Iterable[tuple], filters: Filters) -> Table:
    return Table("cohorts", _("Tutored groups"), cohort_columns(),
                 [cohort_row(cohort, values) for cohort, values in rows], filters=filters,
                 note=_("Groups running at some time in the period; their figures count all their members."))


def overview_tables(result: Overview) -> dict[str, Table]:
    return {
        "headline": headline_table(result.headline, result.filters),
        "beneficiaries": beneficiaries_table(result),
        "trend": trend_table(result.trend, result.filters),
        "cohorts": cohorts_table(((row.cohort, row.values) for row in result.cohorts.rows), result.filters),
    }


# --- pivot ---------------------------------------------------------------------------------

def pivot_table(result: Pivot) -> Table:
    kind = result.measure.kind
    title = _("{measure} by {rows}").format(measure=result.measure.label, rows=str(result.rows.label).lower())
    if result.columns is None:
        columns = [Column(str(result.rows.label)), Column(str(result.measure.label), kind)]
        rows = [[_member_cell(m, result.rows), result.row_totals[m.key]] for m in result.row_members]
        footer = [[_("Total"), result.total]]
    else:
        title = _("{measure} by {rows} and {columns}").format(
            measure=result.measure.label, rows=str(result.rows.label).lower(),
            columns=str(result.columns.label).lower())
        columns = ([Column(str(result.rows.label))]
                   + [Column(m.label, kind) for m in result.column_members] + [Column(_("Total"), kind)])
        rows = [[_member_cell(r, result.rows)]
                + [result.cell(r.key, c.key) for c in result.column_members] + [result.row_totals[r.key]]
                for r in result.row_members]
        footer = [[_("Total")] + [result.column_totals[c.key] for c in result.column_members] + [result.total]]
    return Table("pivot", title, columns, rows, footer, result.filters, result.protection)


# --- one group -----------------------------------------------------------------------------

BAND_LABELS = {
    "withdrawn": lambda: _("Left the group"),
    "not_started": lambda: _("Not started"),
    "started": lambda: _("Under half done"),
    "halfway": lambda: _("Half done or more"),
    "nearly": lambda: _("Nearly done (at least 90%)"),
    "completed": lambda: _("Completed"),
}


def bands_table(bands: dict[str, int], filters: Filters) -> Table:
    total = sum(bands.values())
    rows = [[BAND_LABELS[name](), Value(bands[name]),
             Value(100.0 * bands[name] / total if total else None)] for name in PROGRESS_BANDS]
    return Table("cohort-progress", _("Where the members stand"),
                 [Column(_("Stage")), Column(_("Members"), COUNT), Column(_("Share"), PERCENT)], rows,
                 [[_("Total"), Value(total), Value(100.0 if total else None)]], filters)


def cohort_tables(report: CohortReport) -> dict[str, Table]:
    return {
        "cohort-headline": headline_table(report.headline, report.filters, "cohort-headline",
                                          _("Figures of the group")),
        "cohort-progress": bands_table(report.bands, report.filters),
        "cohort-institutions": breakdown_table(report.by_institution, report.filters, "cohort-institutions",
                                               _("By institution")),
        "cohort-professions": breakdown_table(report.by_profession, report.filters, "cohort-professions",
                                              _("By profession")),
        "cohort-genders": breakdown_table(report.by_gender, report.filters, "cohort-genders", _("By gender")),
    }


OVERVIEW_TABLES = ("headline", "beneficiaries", "trend", "cohorts")
COHORT_TABLES = ("cohort-headline", "cohort-progress", "cohort-institutions", "cohort-professions",
                 "cohort-genders")
EXPORTABLE = (*OVERVIEW_TABLES, "pivot", *COHORT_TABLES, "trainees")
