"""The donor report as PDF (fpdf2, as the certificates): a title page head, every table with
its notes, bar charts drawn with fpdf2's own rectangles, the suppression notes and the
Kosovo* footnote, in the reader's language with its national characters (DejaVu Sans)."""

from __future__ import annotations

from flask_babel import format_datetime
from fpdf import FPDF

from lms.accounts.reference import KOSOVO_FOOTNOTE
from lms.certificates.pdf import BRAND, FONT_FILES, INK, MUTED
from lms.core.i18n import LANGUAGES, _, current_language
from lms.reports.charts import formatter
from lms.reports.donor.report import Bars, DonorReport, label_of, suppression_notes
from lms.reports.operations import Value
from lms.reports.tables import Table

FAMILY = "DejaVu"
SERIES = (BRAND, (196, 98, 16), (46, 125, 80))
PAGE_W, MARGIN = 210, 15
WIDTH = PAGE_W - 2 * MARGIN
HIDDEN, NONE = "•", "–"   # DejaVu Sans has no "◦", the pages' mark


def cell_text(table: Table, row_index: int, column_index: int, cell) -> str:
    if isinstance(cell, Value):
        if cell.suppressed:
            return HIDDEN
        if cell.value is None:
            return NONE
        return formatter(table.kind_of(row_index, column_index))(cell.value)
    return label_of(cell) if cell is not None else ""


class _Report(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, _("Page {number}").format(number=self.page_no()), align="C")


def render(report: DonorReport, *, scope: str, issuer_name: str) -> bytes:
    """The report as a PDF document, in the active language."""
    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, 18)
    for style, path in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(path))
    title = _("Programme report")
    pdf.set_title(title)
    pdf.set_author(issuer_name)
    pdf.set_creator(issuer_name)
    pdf.set_creation_date(report.generated_at)
    pdf.set_lang(LANGUAGES[current_language()].html_lang)
    pdf.add_page()
    pdf.set_text_color(*BRAND)
    pdf.set_font(FAMILY, "B", 18)
    pdf.multi_cell(WIDTH, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(WIDTH, 5, issuer_name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    head = [(_("Scope"), scope), *report.filters.describe(),
            (_("Generated"), format_datetime(report.generated_at, "medium"))]
    for label, value in head:
        pdf.set_font(FAMILY, "B", 9)
        pdf.cell(40, 5, label)
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(WIDTH - 40, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    charts = {chart.key: chart for chart in report.charts}
    after = {"completion": "chart-completion", "knowledge-gain": "chart-gain"}
    for key, table in report.tables.items():
        _table(pdf, table)
        if key in after and charts.get(after[key]):
            _bars(pdf, charts[after[key]])
    _notes(pdf, report)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_text_color(*BRAND)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(WIDTH, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` broken to fit ``width`` (measured only when it does not fit on one line)."""
    if pdf.get_string_width(text) <= width - 2:
        return [text]
    return pdf.multi_cell(width - 2, 4, text, dry_run=True, output="LINES")


def _row(pdf: FPDF, widths: list[float], texts: list[str], *, bold: bool = False, fill=None,
         wrap: bool = False) -> None:
    """One row of ruled cells: the first left-aligned, the figures right-aligned. Only the
    headings and the first column wrap; the figures are single words."""
    line = 4.0
    lines = [_lines(pdf, text, width) if (wrap or index == 0) else [text]
             for index, (text, width) in enumerate(zip(texts, widths, strict=True))]
    height = line * max(len(found) for found in lines) + 1.2
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    top, x = pdf.get_y(), MARGIN
    pdf.set_font(FAMILY, "B" if bold else "", 8)
    if fill:
        pdf.set_fill_color(*fill)
    for index, (found, width) in enumerate(zip(lines, widths, strict=True)):
        pdf.rect(x, top, width, height, style="DF" if fill else "D")
        for number, text in enumerate(found):
            pdf.set_xy(x + 1, top + 0.6 + number * line)
            pdf.cell(width - 2, line, text, align="L" if index == 0 else "R")
        x += width
    pdf.set_xy(MARGIN, top + height)


def _table(pdf: FPDF, table: Table) -> None:
    _heading(pdf, table.title)
    count = len(table.columns)
    first = min(60.0, WIDTH * 0.34) if count > 2 else WIDTH * 0.6
    widths = [first] + [(WIDTH - first) / (count - 1)] * (count - 1)
    pdf.set_draw_color(190, 198, 206)
    pdf.set_line_width(0.2)
    headings = [column.label for column in table.columns]
    pdf.set_font(FAMILY, "B", 8)
    _row(pdf, widths, headings, bold=True, fill=(230, 236, 242), wrap=True)
    for index, row in enumerate(table.rows):
        pdf.set_font(FAMILY, "", 8)
        if pdf.get_y() + 6 > pdf.page_break_trigger:
            pdf.add_page()
            pdf.set_font(FAMILY, "B", 8)
            _row(pdf, widths, headings, bold=True, fill=(230, 236, 242), wrap=True)
            pdf.set_font(FAMILY, "", 8)
        _row(pdf, widths, [cell_text(table, index, column, cell) for column, cell in enumerate(row)])
    for row in table.footer:
        pdf.set_font(FAMILY, "B", 8)
        _row(pdf, widths, [cell_text(table, len(table.rows), column, cell) for column, cell in enumerate(row)],
             bold=True)
    pdf.ln(1)
    if table.note:
        pdf.set_font(FAMILY, "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(WIDTH, 3.8, table.note, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
    pdf.ln(2)


def _bars(pdf: FPDF, chart: Bars) -> None:
    """Horizontal bars, one group per category, on a scale from 0 to the chart's maximum."""
    values = [v for _label, series in chart.series for v in series if v is not None]
    if not chart.categories or not values:
        return
    bar, gap = 3.2, 2.2
    needed = 14 + len(chart.categories) * (bar * len(chart.series) + gap) + 8
    if pdf.get_y() + needed > 275:
        pdf.add_page()
    _heading(pdf, chart.title)
    top, label_w = pdf.get_y() + 1, 48
    scale_w = WIDTH - label_w - 14
    high = chart.maximum or max(values) or 1
    write = formatter(chart.kind)
    y = top
    pdf.set_font(FAMILY, "", 7.5)
    for index, category in enumerate(chart.categories):
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w - 2, bar * len(chart.series), category[:40], align="R")
        for number, (_name, series) in enumerate(chart.series):
            value = series[index]
            color = SERIES[number % len(SERIES)]
            pdf.set_fill_color(*color)
            x = MARGIN + label_w
            if value is not None and value > 0:
                pdf.rect(x, y, max(0.4, scale_w * min(value, high) / high), bar - 0.4, style="F")
            pdf.set_xy(x + (scale_w * min(max(value or 0, 0), high) / high) + 1, y - 0.2)
            pdf.cell(14, bar, HIDDEN if value is None else write(value))
            y += bar
        y += gap
    pdf.set_draw_color(*MUTED)
    pdf.line(MARGIN + label_w, top - 0.5, MARGIN + label_w, y - gap + 0.5)
    y += 1
    for number, (name, _series) in enumerate(chart.series):      # the legend
        pdf.set_fill_color(*SERIES[number % len(SERIES)])
        pdf.rect(MARGIN + label_w, y + 0.6, 3, 3, style="F")
        pdf.set_xy(MARGIN + label_w + 4, y)
        pdf.cell(scale_w, 4.2, name)
        y += 4.6
    pdf.set_y(y + 2)


def _notes(pdf: FPDF, report: DonorReport) -> None:
    _heading(pdf, _("Notes"))
    pdf.set_font(FAMILY, "", 8)
    for note in suppression_notes(report, HIDDEN):
        pdf.multi_cell(WIDTH, 4, note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if report.footnote:
        pdf.ln(1)
        pdf.multi_cell(WIDTH, 4, "* " + str(KOSOVO_FOOTNOTE), new_x="LMARGIN", new_y="NEXT")
