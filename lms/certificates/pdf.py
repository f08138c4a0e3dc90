"""The certificate as a one-page A4 landscape PDF (fpdf2, DejaVu Sans, a QR code).

Rendering reads nothing but a ``PrintedCertificate`` — the facts kept on the record —
so the same revision always gives the same document, byte for byte: the creation date
is the issue (or reissue) date, not the time of rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from flask_babel import format_date, format_decimal
from fpdf import FPDF

from lms.accounts.models import Beneficiary
from lms.accounts.reference import KOSOVO_FOOTNOTE
from lms.certificates import qr
from lms.certificates.codes import format_code
from lms.certificates.embedding import CertificateOutput, face
from lms.certificates.models import COMPLETION, KINDS
from lms.core.i18n import LANGUAGES, _, ngettext, use_language

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVuSans"
# Raised whenever the layout changes, so that cached PDFs of the old layout are not served.
LAYOUT_VERSION = 3

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


def qr_image(url: str):
    """The QR code of ``url`` as a black-and-white image with its quiet zone (8-bit grey, which
    fpdf2 embeds with a plain Flate filter, quicker than transcoding a 1-bit image)."""
    return qr.image(url, QR_MODULE_PIXELS)


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
    """Text set on the page, measured from the font's advance widths.

    Measuring and wrapping here (a sum of widths per word) instead of through fpdf2's
    ``multi_cell`` line breaker, which re-measures the line for every character added,
    is most of what laying a certificate out costs otherwise.
    """

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self._units: dict[tuple[str, bool], int] = {}  # a text's advance in font units, once measured

    def font(self, size: float, *, bold: bool = False, color=INK) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_text_color(*color)
        self.size, self.bold = size, bold
        # What fpdf2's text() wraps each text in when the text colour is not the fill colour.
        self._colour = f"q {pdf.text_color.serialize().lower()} " if pdf.fill_color != pdf.text_color else ""

    def put(self, text: str, x: float, y: float, w: float, h: float, *, align: str = "L") -> None:
        """``text`` in the current font, placed as ``cell(w, h, text, align=align)`` at (x, y)
        would place it: the operators fpdf2's ``text()`` writes (no underline, strike-through
        or text mode here), without its checks."""
        pdf = self.pdf
        if align == "C":
            x += (w - self.width(text, self.size, bold=self.bold)) / 2
        else:
            x += pdf.c_margin
        y += 0.5 * h + 0.3 * self.size / pdf.k
        if not pdf.current_font_is_set_on_page:
            pdf._out(pdf._set_font_for_page(pdf.current_font, pdf.font_size_pt))
        operators = f"BT {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} Td {pdf.current_font.encode_text(text)} ET"
        pdf._out(f"{self._colour}{operators} Q" if self._colour else operators)

    @staticmethod
    def leading(size: float) -> float:
        return size * 0.3528 * 1.25  # points to mm, with line spacing

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        """The width of ``text`` in mm, as fpdf2 measures it (no kerning, no shaping)."""
        units = self._units.get((text, bold))
        if units is None:
            widths = self.pdf.fonts[FAMILY.lower() + ("B" if bold else "")].cw
            units = self._units[text, bold] = sum(map(widths.__getitem__, map(ord, text)))
        return units * size * 0.001 / self.pdf.k

    def wrap(self, text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
        """``text`` broken at spaces into lines that fit ``width`` (a word too long for a line is cut)."""
        room = width - 2 * self.pdf.c_margin
        space = self.width(" ", size, bold=bold)
        lines: list[str] = []
        current, used = "", 0.0
        for word in text.split():
            wide = self.width(word, size, bold=bold)
            if current and used + space + wide <= room:
                current, used = f"{current} {word}", used + space + wide
                continue
            if current:
                lines.append(current)
            while wide > room and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and self.width(word[:cut], size, bold=bold) > room:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                wide = self.width(word, size, bold=bold)
            current, used = word, wide
        if current or not lines:
            lines.append(current)
        return lines

    def _lines_at(self, line: _Line, size: float, width: float) -> list[str]:
        if self.width(line.text, size, bold=line.bold) + 2 * self.pdf.c_margin <= width:
            return [line.text]  # the common case
        return self.wrap(line.text, size, width, bold=line.bold)

    def fit(self, line: _Line, width: float) -> tuple[float, list[str]]:
        """The size and lines for ``line``: one line if that needs little shrinking,
        else the largest size at which it takes at most ``max_lines`` lines."""
        smallest = line.min_size or line.size
        wrapped = None
        size = line.size
        while size >= smallest:
            lines = self._lines_at(line, size, width)
            if len(lines) == 1 and (wrapped is None or size >= 0.8 * line.size):
                return size, lines
            if wrapped is None and len(lines) <= line.max_lines:
                wrapped = (size, lines)
            if wrapped is not None and size < 0.8 * line.size:
                break
            size -= 1
        return wrapped if wrapped is not None else (smallest, self._lines_at(line, smallest, width))

    def column(self, lines: list[_Line], top: float, bottom: float, *, width: float = TEXT_W,
               x: float = MARGIN) -> None:
        """Set ``lines`` one under the other, the whole column centred between top and bottom."""
        fitted = [(line, *self.fit(line, width)) for line in lines]
        height = sum(line.gap + len(texts) * self.leading(size) for line, size, texts in fitted)
        y = top + max(0.0, (bottom - top - height) / 2)
        for line, size, texts in fitted:
            y += line.gap
            self.font(size, bold=line.bold, color=line.color)
            for text in texts:
                self.put(text, x, y, width, self.leading(size), align="C")
                y += self.leading(size)

    def paragraph(self, text: str, size: float, x: float, y: float, width: float, leading: float) -> None:
        """``text`` wrapped to ``width``, left-aligned, from ``y`` down, in the current font."""
        for line in self.wrap(text, size, width):
            self.put(line, x, y, width, leading)
            y += leading


def render_certificate(printed: PrintedCertificate, *, verify_url: str, issuer_name: str,
                       font_store: Path | None = None) -> bytes:
    """The PDF of one certificate, in its own language.

    ``font_store`` is a folder where the fonts' metrics and subsets are kept for the next
    process (see ``embedding``); without it they are made once per process.
    """
    with use_language(printed.language):
        return _render(printed, verify_url=verify_url, issuer_name=issuer_name, font_store=font_store)


def _render(printed: PrintedCertificate, *, verify_url: str, issuer_name: str, font_store: Path | None) -> bytes:
    code = format_code(printed.code)
    kind_label = str(KINDS[printed.kind])
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for style, path in FONT_FILES.items():
        face(path, font_store).attach(pdf, FAMILY, style)
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
    page.put(_("Verification code"), left, bottom - 30, text_w, 5)
    page.font(16, bold=True)
    page.put(code, left, bottom - 25, text_w, 8)
    page.font(9, color=MUTED)
    page.put(_("Check this certificate at {url}").format(url=verify_url), left, bottom - 16, text_w, 5)
    dates = [_("Issued on {date}").format(date=format_date(printed.issued_at, format="long"))]
    if printed.reissued_at:
        dates.append(_("Reissued on {date}").format(date=format_date(printed.reissued_at, format="long")))
    if printed.expires_at:
        dates.append(_("Valid until {date}").format(date=format_date(printed.expires_at, format="long")))
    page.put(" · ".join(dates), left, bottom - 11, text_w, 5)
    if footnote:
        page.font(6.5, color=MUTED)
        page.paragraph("* " + str(KOSOVO_FOOTNOTE), 6.5, left, PAGE_H - 21, PAGE_W - 2 * left, 3)
    return bytes(pdf.output(output_producer_class=CertificateOutput))

