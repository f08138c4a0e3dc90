"""CSV and XLSX of every table the dashboard shows, and the per-trainee export.

Each file begins with rows saying what it is: the title, every filter, the scope, when it
was generated (in the reader's language) and, when figures are hidden, why. CSV is
streamed as it is written, the per-trainee rows straight from a server-side cursor, so a
worker's memory does not grow with the programme. XLSX is written row by row with
XlsxWriter in constant-memory mode to a temporary file, then streamed from it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, current_app, stream_with_context
from flask_babel import format_datetime
from marshmallow import Schema
from sqlalchemy import String, func, literal_column, select
from sqlalchemy.orm import Session

from lms.accounts.models import Beneficiary, Institution, User
from lms.accounts.reference import PROFESSIONS
from lms.certificates.codes import GROUP
from lms.certificates.codes import LENGTH as CODE_LENGTH
from lms.certificates.models import STATUSES, Certificate
from lms.core.errors import NotFound
from lms.core.i18n import LANGUAGES, _
from lms.courses.models import Course, Enrolment
from lms.reports import operations, schemas, tables
from lms.reports.dimensions import DIMENSIONS
from lms.reports.facts import Joins, enrolment_joins, final_scores, population, tune
from lms.reports.filters import Filters, scope_of, scoped_filters
from lms.reports.measures import COUNT, DAYS, HOURS, PERCENT, SCORE
from lms.reports.operations import Value
from lms.reports.sql_dialects import dialect_of, utc_day
from lms.reports.tables import DATE, Column, Link, Table
from lms.tutors.models import Cohort

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ROWS_PER_CHUNK = 1000
STREAM_BATCH = 2000
FILE_CHUNK = 64 * 1024


@dataclass
class Export:
    """What a file holds: its head, its columns and its rows of plain values."""

    name: str
    title: str
    filters: Filters
    columns: list[Column]
    rows: Iterable[list]
    generated_at: datetime
    scope_label: str
    hides_anything: bool = False
    notes: tuple[str, ...] = ()
    # Rows already as a file holds them: text made safe, dates as YYYY-MM-DD text.
    ready: bool = False

    def head(self) -> list[list]:
        rows: list[list] = [[self.title]]
        rows += [[label, value] for label, value in self.filters.describe()]
        rows.append([_("Scope"), self.scope_label])
        rows.append([_("Generated"), format_datetime(self.generated_at, "long")])
        for note in self.notes:
            rows.append([note])
        if self.hides_anything:
            rows.append([_("Figures of fewer than {count} enrolments that could tell a person's gender are "
                           "shown as “suppressed”, with others where needed so that totals cannot reveal "
                           "them.").format(count=current_app.config["LMS_REPORT_MIN_GROUP"])])
        rows.append([])
        return rows


def scope_label(session: Session, viewer) -> str:
    scope = scope_of(viewer)
    if scope is None:
        return _("All beneficiaries")
    if not scope:
        return _("No beneficiary")
    return ", ".join(b.name for b in session.scalars(
        select(Beneficiary).where(Beneficiary.id.in_(sorted(scope))).order_by(Beneficiary.code)))


# --- plain values of a dashboard table -----------------------------------------------------------

def plain(value, kind: str):
    """A cell as a file holds it: numbers as numbers (rounded as shown), dates as dates."""
    if isinstance(value, Value):
        if value.suppressed:
            return _("suppressed")
        number = value.value
        if number is None:
            return None
        if kind == COUNT:
            return int(number)
        if kind == PERCENT or kind in (DAYS, HOURS):
            return round(float(number), 1)
        if kind == SCORE:
            return round(float(number), 2)
        return number
    if isinstance(value, Link):
        return value.label
    return value


def table_export(table: Table, *, generated_at: datetime, scope: str) -> Export:
    def rows():
        for index, row in enumerate(table.all_rows()):
            yield [plain(cell, table.kind_of(index, column)) for column, cell in enumerate(row)]
    notes = (table.note,) if table.note else ()
    return Export(table.key, table.title, table.filters or Filters(), table.columns, rows(), generated_at, scope,
                  table.hides_anything, notes)


# --- the per-trainee export ---------------------------------------------------------------------

def trainee_columns() -> list[Column]:
    return [Column(_("Trainee")), Column(_("E-mail address")), Column(_("Beneficiary (profile)")),
            Column(_("Institution")), Column(_("Profession")), Column(_("Preferred language")),
            Column(_("Course")), Column(_("Course format")), Column(_("Group")), Column(_("Counted under")),
            Column(_("Language of study")), Column(_("Enrolled on"), DATE), Column(_("Status")),
            Column(_("Progress (%)"), COUNT), Column(_("Last activity"), DATE), Column(_("Completed on"), DATE),
            Column(_("Final score"), SCORE), Column(_("Certificate code")), Column(_("Certificate status"))]


def _grouped_code(column):
    """The verification code as people read it (K7QM-3XJD-9PRA-T2HC), made by the database."""
    parts = [func.substr(column, start + 1, GROUP) for start in range(0, CODE_LENGTH, GROUP)]
    grouped = parts[0]
    for part in parts[1:]:
        grouped = grouped + literal_column("'-'", String) + part
    return grouped


def trainee_query(filters: Filters, scope: set[int] | None, dialect: str):
    """Every enrolment of the scope and filters with its trainee's profile; never their gender."""
    final = final_scores(dialect)
    query = enrolment_joins(
        select(User.full_name, User.email, User.beneficiary_id, Institution.name, User.profession, User.language,
               Enrolment.course_id, Cohort.name, DIMENSIONS["beneficiary"].expression(),
               DIMENSIONS["language"].expression(), utc_day(Enrolment.enrolled_at, dialect),
               Enrolment.status, Enrolment.progress_percent, utc_day(Enrolment.last_activity_at, dialect),
               utc_day(Enrolment.completed_at, dialect), final.c.final_score, _grouped_code(Certificate.code),
               Certificate.status),
        Joins(course=Joins.needed(filters, scope).course))
    query = (query.outerjoin(Institution, Institution.id == User.institution_id)
             .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
             .outerjoin(final, final.c.enrolment_id == Enrolment.id))
    # By trainee, then enrolment: a trainee's enrolments together, in an order the database can
    # produce from its indexes instead of sorting every row before the first is sent.
    return population(query, filters, scope).order_by(User.id, Enrolment.id)


def trainee_rows(session: Session, filters: Filters, scope: set[int] | None) -> Iterator[list]:
    """The rows, fetched in batches from a server-side cursor as the file is written.

    Read through the Core connection (no ORM row processing); dates come as text from the
    database; only the text people typed (names, e-mail, institution, group) is made safe.
    """
    beneficiaries = {b.id: b.name for b in session.scalars(select(Beneficiary))}
    courses = {c.id: (c.title_in(), c.format) for c in session.scalars(select(Course))}
    professions = {key: str(label) for key, label in PROFESSIONS.items()}
    languages = {code: language.native_name for code, language in LANGUAGES.items()}
    formats = {"tutored": _("Tutored"), "self-paced": _("Self-paced")}
    states = {"active": _("active"), "withdrawn": _("withdrawn")}
    completed_label = _("completed")
    certificate_states = {key: str(label) for key, label in STATUSES.items()}
    query = trainee_query(filters, scope, dialect_of(session))
    tune(session)
    # Streamed with a server-side cursor for this statement only (the connection keeps its options).
    result = session.execute(query, execution_options={"yield_per": STREAM_BATCH})
    for (name, email, profile, institution, profession, language, course_id, cohort, counted, studied,
         enrolled_on, status, progress, last_activity, completed_on, score, code, certificate) in (
            row for batch in result.partitions() for row in batch):
        title, course_format = courses.get(course_id, ("", ""))
        yield [_safe(name), _safe(email), beneficiaries.get(profile, ""), _safe(institution or ""),
               professions.get(profession, profession or ""), languages.get(language, language),
               title, formats.get(course_format, course_format), _safe(cohort or ""), beneficiaries.get(counted, ""),
               languages.get(studied, studied or ""), enrolled_on,
               completed_label if completed_on else states.get(status, status), progress, last_activity,
               completed_on, score, code or "", certificate_states.get(certificate, "")]


def trainee_export(session: Session, viewer, filters: Filters, *, generated_at: datetime) -> Export:
    return Export("trainees", _("Trainees and their enrolments"), filters, trainee_columns(),
                  trainee_rows(session, filters, scope_of(viewer)), generated_at, scope_label(session, viewer),
                  notes=(_("Personal data: keep and share this file only as the programme's data-protection "
                           "rules allow."),), ready=True)


# --- any table by its name -------------------------------------------------------------------

def arguments_schema(name: str) -> Schema:
    """A table takes the arguments of the page it is on."""
    if name == "pivot":
        return schemas.PivotArgsSchema()
    if name in tables.COHORT_TABLES:
        return schemas.CohortTableArgsSchema()
    return schemas.FilterArgsSchema()


def build(session: Session, viewer, name: str, fmt: str, args: Mapping, *, now: datetime) -> Export:
    """The table called ``name`` with the request's arguments, for a file in ``fmt``: 404 for
    no such table or format, 403/422 as for the page the table comes from."""
    if name not in tables.EXPORTABLE:
        raise NotFound(_("There is no such table to export."))
    if fmt not in FORMATS:
        raise NotFound(_("Choose CSV or XLSX."))
    scope_name = scope_label(session, viewer)
    asked = schemas.load(arguments_schema(name), args)
    if name in tables.COHORT_TABLES:
        report = operations.cohort_report(session, viewer, asked, now=now)
        return table_export(tables.cohort_tables(report)[name], generated_at=now, scope=scope_name)
    if name == "pivot":
        result = operations.pivot(session, viewer, asked.filters, measure=asked.measure, rows=asked.rows,
                                  columns=asked.columns, now=now)
        return table_export(tables.pivot_table(result), generated_at=now, scope=scope_name)
    filters, scope = scoped_filters(viewer, asked)
    if name == "trainees":
        return trainee_export(session, viewer, filters, generated_at=now)
    if name == "trend":
        table = tables.trend_table(operations.trend(session, filters, scope, now=now), filters)
    elif name == "cohorts":
        table = tables.cohorts_table(operations.all_cohorts(session, filters, scope, now=now), filters)
    else:
        headline, by_beneficiary = operations.headline_by_beneficiary(session, filters, scope, now=now)
        table = (tables.headline_table(headline, filters) if name == "headline" else
                 tables.breakdown_table(by_beneficiary, filters, "beneficiaries", _("Completion by beneficiary")))
    return table_export(table, generated_at=now, scope=scope_name)


# --- writers ---------------------------------------------------------------------------------

def _safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _safe(value)
    return value


def csv_chunks(export: Export) -> Iterator[bytes]:
    """The file in chunks of about a thousand rows, UTF-8 with a byte-order mark (spreadsheets
    then read č, ć, ë and Cyrillic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for row in export.head():
        writer.writerow([_csv_value(value) for value in row])
    writer.writerow([column.label for column in export.columns])
    batch: list[list] = []
    for row in export.rows:
        batch.append(row if export.ready else [_csv_value(value) for value in row])
        if len(batch) >= ROWS_PER_CHUNK:
            writer.writerows(batch)
            batch = []
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(export: Export, path: str) -> None:
    import xlsxwriter  # here: only downloads in XLSX need it

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "tmpdir": os.path.dirname(path)})
    try:
        sheet = workbook.add_worksheet(_("Data")[:31])
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        formats = {
            DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
            PERCENT: workbook.add_format({"num_format": "0.0"}),
            SCORE: workbook.add_format({"num_format": "0.00"}),
            DAYS: workbook.add_format({"num_format": "0.0"}),
            HOURS: workbook.add_format({"num_format": "0.0"}),
        }
        row_number = 0
        for number, row in enumerate(export.head()):
            for column, value in enumerate(row):
                sheet.write_string(row_number, column, str(value), title if number == 0 else None)
            row_number += 1
        for column, heading in enumerate(export.columns):
            sheet.write_string(row_number, column, heading.label, bold)
            sheet.set_column(column, column, max(10, min(40, len(heading.label) + 2)))
        header_row = row_number
        row_number += 1
        kinds = [column.kind for column in export.columns]
        for row in export.rows:
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if kinds[column] == DATE and isinstance(value, str):
                    value = date.fromisoformat(value)
                if isinstance(value, datetime | date):
                    sheet.write_datetime(row_number, column, value, formats[DATE])
                elif isinstance(value, bool | str):
                    sheet.write_string(row_number, column, str(value))
                else:
                    sheet.write_number(row_number, column, value, formats.get(kinds[column]))
            row_number += 1
        sheet.freeze_panes(header_row + 1, 0)
    finally:
        workbook.close()


def _file_chunks(path: str) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(FILE_CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def file_name(export: Export, fmt: str) -> str:
    return f"{export.name}-{export.generated_at.strftime('%Y%m%d-%H%M')}.{fmt}"


def response(export: Export, fmt: str) -> Response:
    """The export as a download: CSV streamed as written, XLSX streamed from its finished file."""
    if fmt == CSV:
        body = stream_with_context(csv_chunks(export))
    else:
        handle, path = tempfile.mkstemp(prefix="lms-report-", suffix=".xlsx")
        os.close(handle)
        try:
            write_xlsx(export, path)
        except BaseException:
            os.unlink(path)
            raise
        body = _file_chunks(path)
    result = Response(body, mimetype=CONTENT_TYPES[fmt].split(";")[0], content_type=CONTENT_TYPES[fmt])
    result.headers["Content-Disposition"] = f'attachment; filename="{file_name(export, fmt)}"'
    result.headers["Cache-Control"] = "private, no-store"
    result.headers["X-Accel-Buffering"] = "no"
    return result
