"""Charts as SVG rendered on the server with pygal: no script, nothing fetched, printable.

Each chart is an image with a title and a description (``role="img"``, ``<title>``,
``<desc>``); the same figures are always in a table beside it, which is what assistive
technology reads. Numbers on the axes and bars are written for the reader's locale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import pygal
from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask_babel import get_locale
from markupsafe import Markup, escape
from pygal.style import Style

from lms.core.headers import csp_nonce
from lms.reports.measures import COUNT, DAYS, HOURS, PERCENT, SCORE

MAX_CATEGORIES = 40   # beyond this a chart helps nobody: the table says it all
MAX_SERIES = 8

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1b1f24", foreground_strong="#1b1f24",
    foreground_subtle="#4a5561", opacity="1", opacity_hover="1", transition="0s",
    colors=("#1f4e8c", "#1d6b35", "#8c3b00", "#6b2f8c", "#a3231d", "#00707a", "#5a5a00", "#4a5561"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif",
    title_font_size=16, label_font_size=12, major_label_font_size=12, legend_font_size=13,
    value_font_size=12, tooltip_font_size=12)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_STYLE = re.compile(r"<style\b")


# The number pattern each kind of measure is written with (None: the locale's own).
_PATTERNS = {COUNT: None, PERCENT: "#,##0.#%", SCORE: "#,##0.#", DAYS: "#,##0.#", HOURS: "#,##0.#"}


@lru_cache(maxsize=256)
def _pattern(locale: str, kind: str) -> tuple[Locale, NumberPattern]:
    """The locale and the parsed number pattern of a kind of measure: parsed once, not per figure
    (a table of a thousand figures otherwise parses the same pattern a thousand times)."""
    parsed = Locale.parse(locale)
    percent = kind == PERCENT
    form = _PATTERNS.get(kind) or (parsed.percent_formats[None] if percent else parsed.decimal_formats[None])
    return parsed, parse_pattern(form)


@lru_cache(maxsize=8192)
def _written(locale: str, kind: str, value: float | int) -> str:
    parsed, pattern = _pattern(locale, kind)
    if kind == COUNT:
        return pattern.apply(int(value), parsed)
    if kind == PERCENT:
        return pattern.apply(value / 100, parsed)
    return pattern.apply(value, parsed)


def formatter(kind: str) -> Callable[[float | None], str]:
    """How a measure's numbers are written in the active locale: exactly as Flask-Babel's
    ``format_number`` (counts), ``format_percent`` and ``format_decimal`` write them. The same
    figure in the same locale is written once per process (tables repeat small counts)."""
    locale = str(get_locale())

    def write(value):
        if value is None:
            return ""
        return _written(locale, kind, value)
    return write


def _accessible(svg: str, chart_id: str, title: str, description: str) -> Markup:
    """Strip pygal's inline script and comments; give the image its accessible name; let its
    style element apply under the Content-Security-Policy (this response's nonce)."""
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    nonce = csp_nonce()
    if nonce:  # the chart's own CSS applies under the Content-Security-Policy
        svg = _STYLE.sub(f'<style nonce="{nonce}"', svg)
    head_end = svg.index(">")
    opening = svg[:head_end]
    label = (f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false"'
             f' class="chart-svg"')
    inner = (f'<title id="{chart_id}-title">{escape(title)}</title>'
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    return Markup(opening + label + ">" + inner + svg[head_end + 1:])


def _common(title: str, kind: str, categories: Sequence[str], **options) -> dict:
    many = len(categories) > 8
    settings = dict(
        js=[], disable_xml_declaration=True, style=STYLE, title=title, width=760, height=380,
        explicit_size=False, show_legend=True, legend_at_bottom=True, legend_box_size=14,
        value_formatter=formatter(kind), x_label_rotation=35 if many else 0, truncate_label=-1,
        truncate_legend=-1, print_values=False, show_y_guides=True, margin=12)
    if kind == PERCENT:
        settings["range"] = (0, 100)
    settings.update(options)
    return settings


def can_chart(categories: int, series: int) -> bool:
    return 0 < categories <= MAX_CATEGORIES and 0 < series <= MAX_SERIES


def _frozen(series: Sequence[tuple[str, Sequence[float | None]]]) -> tuple:
    return tuple((str(name), tuple(values)) for name, values in series)


@lru_cache(maxsize=64)
def _svg(shape: str, title: str, kind: str, locale: str, categories: tuple[str, ...], series: tuple) -> str:
    """pygal's SVG of a chart, rendered once for the same figures, labels and locale (a statistics
    page computed again after a write that changed none of a chart's figures draws it again as
    it was; rendering costs some 20 ms a chart)."""
    if shape == "line":
        many = len(categories) > 24
        chart = pygal.Line(**_common(title, kind, categories, dots_size=3, stroke_style={"width": 3},
                                     show_minor_x_labels=not many, x_labels_major_every=3 if many else None))
    else:
        horizontal = shape == "hbar"
        chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
        height = max(380, 60 + 26 * len(categories) * max(1, len(series))) if horizontal else 380
        chart = chart_class(**_common(title, kind, categories, height=min(height, 1400)))
    chart.x_labels = list(categories)
    for name, values in series:
        chart.add(name, list(values))
    return chart.render(is_unicode=True)


def bar_chart(chart_id: str, title: str, description: str, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[float | None]]], *, kind: str = COUNT,
              horizontal: bool = False) -> Markup:
    """Grouped bars: one group per category, one bar per series; None leaves a gap."""
    svg = _svg("hbar" if horizontal else "bar", str(title), kind, str(get_locale()),
               tuple(str(c) for c in categories), _frozen(series))
    return _accessible(svg, chart_id, title, description)


def line_chart(chart_id: str, title: str, description: str, categories: Sequence[str],
               series: Sequence[tuple[str, Sequence[float | None]]], *, kind: str = COUNT) -> Markup:
    svg = _svg("line", str(title), kind, str(get_locale()), tuple(str(c) for c in categories), _frozen(series))
    return _accessible(svg, chart_id, title, description)
