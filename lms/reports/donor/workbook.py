"""The donor report as an XLSX workbook: a sheet per table, with the same figures as the PDF
(numbers as numbers, hidden ones as the word for it), and a sheet of notes."""

from __future__ import annotations

import io

from lms.accounts.reference import KOSOVO_FOOTNOTE
from lms.core.i18n import _
from lms.reports.donor.report import DonorReport
from lms.reports.exports import plain
from lms.reports.measures import COUNT, DAYS, HOURS, PERCENT, SCORE
from lms.reports.tables import Table

SHEET_NAME = 31          # the most characters Excel allows in a sheet's name
FORMATS = {PERCENT: "0.0", SCORE: "0.00", DAYS: "0.0", HOURS: "0.0", COUNT: "0"}


def sheet_name(index: int, title: str, used: set[str]) -> str:
    """A sheet's name: the table's title, shortened, without the characters Excel refuses."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    name = f"{index}. {cleaned}"[:SHEET_NAME].strip()
    while name in used:
        name = f"{index}-{name}"[:SHEET_NAME]
    used.add(name)
    return name


def render(report: DonorReport, *, scope: str) -> bytes:
    import xlsxwriter  # here: only this download needs it

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    numbers = {kind: workbook.add_format({"num_format": pattern}) for kind, pattern in FORMATS.items()}
    bold_numbers = {kind: workbook.add_format({"num_format": pattern, "bold": True})
                    for kind, pattern in FORMATS.items()}
    head = [(_("Scope"), scope), *report.filters.describe(), (_("Generated"), report.generated_at.strftime(
        "%Y-%m-%d %H:%M UTC"))]
    used: set[str] = set()
    for index, table in enumerate(report.tables.values(), start=1):
        sheet = workbook.add_worksheet(sheet_name(index, table.title, used))
        _write_table(sheet, table, head, title, bold, numbers, bold_numbers)
    notes = workbook.add_worksheet(sheet_name(len(report.tables) + 1, _("Notes"), used))
    notes.set_column(0, 0, 110)
    lines = [*report.notes] + (["* " + str(KOSOVO_FOOTNOTE)] if report.footnote else [])
    notes.write_string(0, 0, _("Notes"), title)
    for row, line in enumerate(lines, start=1):
        notes.write_string(row, 0, line, wrap)
    workbook.close()
    return output.getvalue()


def _write_table(sheet, table: Table, head, title, bold, numbers, bold_numbers) -> None:
    sheet.write_string(0, 0, table.title, title)
    row = 1
    for label, value in head:
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, str(value))
        row += 1
    row += 1
    for column, heading in enumerate(table.columns):
        sheet.write_string(row, column, heading.label, bold)
        sheet.set_column(column, column, max(12, min(40, len(heading.label) + 2)))
    header = row
    row += 1
    for index, cells in enumerate(table.all_rows()):
        footer = index >= len(table.rows)
        for column, cell in enumerate(cells):
            kind = table.kind_of(index, column)
            value = plain(cell, kind)
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row, column, value, (bold_numbers if footer else numbers).get(kind))
            else:
                sheet.write_string(row, column, str(value), bold if footer else None)
        row += 1
    if table.note:
        sheet.write_string(row + 1, 0, table.note)
    sheet.freeze_panes(header + 1, 1)
