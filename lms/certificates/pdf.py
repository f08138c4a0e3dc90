"""The certificate as a one-page A4 landscape PDF (fpdf2, DejaVu Sans, a segno QR code).

Rendering reads nothing but a ``PrintedCertificate`` — the facts kept on the record —
so the same revision always gives the same document, byte for byte: the creation date
is the issue (or reissue) date, not the time of rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import segno
from flask_babel import format_date, format_decimal
from fpdf import FPDF
from PIL import Image

from lms.accounts.models import Beneficiary
from lms.accounts.reference import KOSOVO_FOOTNOTE
from lms.certificates.codes import format_code
from lms.certificates.models import COMPLETION, KINDS
from lms.core.i18n import LANGUAGES, _, ngettext, use_language

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVuSans"
# Raised whenever the layout changes, so that cached PDFs of the old layout are not served.
LAYOUT_VERSION = 1

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 24.0
TEXT_W = PAGE_W - 2 * MARGIN
BRAND = (31, 78, 140)
INK = (27, 31, 36)
MUTED = (74, 85, 97)
QR_SIZE = 36.0
QR_MODULE_PIXELS = 4


@dataclass(frozen=True)
class PrintedCertificate:
    """Everything a certificate's PDF shows, as kept on the record."""

    code: str
    kind: str
    language: str
    holder_name: str
    course_title: str
    hours: Decimal
    completed_at: datetime
    issued_at: datetime
    revision: int
    reissued_at: datetime | None
    cohort_name: str | None
    beneficiary_code: str | None
    tutor_names: tuple[str, ...]
    expires_at: datetime | None = None

    @classmethod
    def of(cls, certificate) -> PrintedCertificate:
        shows_group = certificate.cohort_name is not None
        return cls(
            code=certificate.code, kind=certificate.kind, language=certificate.language,
            holder_name=certificate.holder_name, course_title=certificate.course_title,
            hours=Decimal(certificate.hours), completed_at=certificate.completed_at,
            issued_at=certificate.issued_at, revision=certificate.revision,
            reissued_at=certificate.reissued_at, cohort_name=certificate.cohort_name,
            beneficiary_code=certificate.beneficiary.code if (shows_group and certificate.beneficiary) else None,
            tutor_names=tuple(certificate.tutor_names or ()) if shows_group else (),
            expires_at=certificate.expires_at)

    @property
    def dated(self) -> datetime:
        return self.reissued_at or self.issued_at


def qr_image(url: str) -> Image.Image:
    """The QR code of ``url`` as a black-and-white image with its quiet zone."""
    matrix = segno.make(url, error="m", micro=False).matrix
    border = 4
    size = len(matrix) + 2 * border
    white = b"\xff"
    rows = [white * size] * border
    rows += [white * border + bytes(0 if dark else 255 for dark in row) + white * border for row in matrix]
    rows += [white * size] * border
    image = Image.frombytes("L", (size, size), b"".join(rows)).convert("1")
    return image.resize((size * QR_MODULE_PIXELS, size * QR_MODULE_PIXELS), Image.Resampling.NEAREST)


@dataclass(frozen=True)
class _Line:
    """A centred block of text: it shrinks from ``size`` towards ``min_size``, then wraps."""

    text: str
    size: float
    min_size: float | None = None
    bold: bool = False
    color: tuple = INK
    gap: float = 0.0  # space above, in mm
    max_lines: int = 1


class _Page:
    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def font(self, size: float, *, bold: bool = False, color=INK) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    @staticmethod
    def leading(size: float) -> float:
        return size * 0.3528 * 1.25  # points to mm, with line spacing

    def _lines_at(self, line: _Line, size: float, width: float) -> int:
        self.font(size, bold=line.bold)
        if self.pdf.get_string_width(line.text) + 2 * self.pdf.c_margin <= width:
            return 1  # the common case, without laying the text out
        return len(self.pdf.multi_cell(width, self.leading(size), line.text, align="C",
                                       dry_run=True, output="LINES"))

    def fit(self, line: _Line, width: float) -> tuple[float, int]:
        """The size and line count for ``line``: one line if that needs little shrinking,
        else the largest size at which it takes at most ``max_lines`` lines."""
        smallest = line.min_size or line.size
        wrapped = None
        size = line.size
        while size >= smallest:
            count = self._lines_at(line, size, width)
            if count == 1 and (wrapped is None or size >= 0.8 * line.size):
                return size, 1
            if wrapped is None and count <= line.max_lines:
                wrapped = (size, count)
            if wrapped is not None and size < 0.8 * line.size:
                break
            size -= 1
        return wrapped if wrapped is not None else (smallest, self._lines_at(line, smallest, width))

    def column(self, lines: list[_Line], top: float, bottom: float, *, width: float = TEXT_W,
               x: float = MARGIN) -> None:
        """Set ``lines`` one under the other, the whole column centred between top and bottom."""
        fitted = [(line, *self.fit(line, width)) for line in lines]
        height = sum(line.gap + count * self.leading(size) for line, size, count in fitted)
        y = top + max(0.0, (bottom - top - height) / 2)
        for line, size, count in fitted:
            y += line.gap
            self.font(size, bold=line.bold, color=line.color)
            self.pdf.set_xy(x, y)
            if count == 1:
                self.pdf.cell(width, self.leading(size), line.text, align="C")
                y += self.leading(size)
            else:
                self.pdf.multi_cell(width, self.leading(size), line.text, align="C")
                y = self.pdf.get_y()


def render_certificate(printed: PrintedCertificate, *, verify_url: str, issuer_name: str) -> bytes:
    """The PDF of one certificate, in its own language."""
    with use_language(printed.language):
        return _render(printed, verify_url=verify_url, issuer_name=issuer_name)


def _render(printed: PrintedCertificate, *, verify_url: str, issuer_name: str) -> bytes:
    code = format_code(printed.code)
    kind_label = str(KINDS[printed.kind])
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for style, path in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_creation_date(printed.dated)
    pdf.set_title(kind_label)
    pdf.set_subject(_("{kind}: {course}").format(kind=kind_label, course=printed.course_title))
    pdf.set_author(issuer_name)
    pdf.set_creator(issuer_name)
    pdf.set_keywords(f"verification-code:{code} {verify_url}")
    pdf.set_lang(LANGUAGES[printed.language].html_lang)
    pdf.add_page()
    page = _Page(pdf)

    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, PAGE_W - 20, PAGE_H - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, PAGE_W - 26, PAGE_H - 26)

    tutored = printed.kind == COMPLETION
    hours = printed.hours
    whole = int(hours) if hours == int(hours) else 2  # a fraction of an hour reads as plural
    facts = " · ".join((
        _("Tutored course") if tutored else _("Self-paced course"),
        ngettext("%(hours)s hour of study", "%(hours)s hours of study", whole,
                 hours=format_decimal(hours)),
        _("Completed on {date}").format(date=format_date(printed.completed_at, format="long")),
    ))
    lines = [
        _Line(issuer_name, 11, color=MUTED),
        _Line(kind_label, 30, 20, bold=True, color=BRAND, gap=4),
        _Line(_("This is to certify that"), 13, color=MUTED, gap=7),
        _Line(printed.holder_name, 28, 16, bold=True, gap=2, max_lines=2),
        _Line(_("has completed the tutored course") if tutored else _("has completed the self-paced course"),
              13, color=MUTED, gap=3),
        _Line(printed.course_title, 20, 13, bold=True, color=BRAND, gap=2, max_lines=2),
        _Line(facts, 12, 9, gap=5, max_lines=2),
    ]
    footnote = False
    if printed.cohort_name:
        group = [_("Group: {group}").format(group=printed.cohort_name)]
        if printed.beneficiary_code:
            beneficiary = Beneficiary(code=printed.beneficiary_code)
            group.append(_("Beneficiary: {beneficiary}").format(beneficiary=beneficiary.name))
            footnote = beneficiary.has_footnote
        lines.append(_Line(" · ".join(group), 11, 8, color=MUTED, gap=3, max_lines=2))
        if printed.tutor_names:
            lines.append(_Line(ngettext("Tutor: %(names)s", "Tutors: %(names)s", len(printed.tutor_names),
                                        names=", ".join(printed.tutor_names)),
                               11, 8, color=MUTED, gap=1, max_lines=2))
    page.column(lines, top=19, bottom=142)

    # The verification block sits at the foot of the page whatever came above it.
    left, bottom = MARGIN, PAGE_H - 24
    qr_x, qr_y = PAGE_W - MARGIN - QR_SIZE, bottom - QR_SIZE - 4
    pdf.image(qr_image(verify_url), x=qr_x, y=qr_y, w=QR_SIZE, h=QR_SIZE, alt_text=verify_url)
    page.column([_Line(_("Scan to verify"), 8, 6, color=MUTED)], top=qr_y + QR_SIZE, bottom=qr_y + QR_SIZE,
                width=QR_SIZE, x=qr_x)
    text_w = qr_x - left - 8
    page.font(9, color=MUTED)
    pdf.set_xy(left, bottom - 30)
    pdf.cell(text_w, 5, _("Verification code"))
    page.font(16, bold=True)
    pdf.set_xy(left, bottom - 25)
    pdf.cell(text_w, 8, code)
    page.font(9, color=MUTED)
    pdf.set_xy(left, bottom - 16)
    pdf.cell(text_w, 5, _("Check this certificate at {url}").format(url=verify_url))
    dates = [_("Issued on {date}").format(date=format_date(printed.issued_at, format="long"))]
    if printed.reissued_at:
        dates.append(_("Reissued on {date}").format(date=format_date(printed.reissued_at, format="long")))
    if printed.expires_at:
        dates.append(_("Valid until {date}").format(date=format_date(printed.expires_at, format="long")))
    pdf.set_xy(left, bottom - 11)
    pdf.cell(text_w, 5, " · ".join(dates))
    if footnote:
        page.font(6.5, color=MUTED)
        pdf.set_xy(left, PAGE_H - 21)
        pdf.multi_cell(PAGE_W - 2 * left, 3, "* " + str(KOSOVO_FOOTNOTE), align="L")
    return bytes(pdf.output())

