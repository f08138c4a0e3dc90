"""Question text formats (Moodle's html, moodle auto-format, plain, markdown) to safe HTML."""

from __future__ import annotations

import html as html_module
import re

from markupsafe import escape

from lms.core.markdown import render_markdown, sanitize_html

HTML, MOODLE, PLAIN, MARKDOWN = "html", "moodle", "plain", "markdown"
# Moodle XML names the same formats differently.
XML_FORMATS = {"html": HTML, "moodle_auto_format": MOODLE, "plain_text": PLAIN, "markdown": MARKDOWN}
MARKER_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")
BLOCK_TAG_RE = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre)\b[^>]*>", re.I)


def split_marker(text: str, default: str) -> tuple[str, str]:
    """``[markdown]Some *text*`` → ("Some *text*", "markdown")."""
    match = MARKER_RE.match(text)
    if match:
        return text[match.end():], match.group(1).lower()
    return text, default


def to_html(text: str, fmt: str) -> str:
    """Render ``text`` written in ``fmt`` as sanitised HTML."""
    text = (text or "").strip()
    if not text:
        return ""
    if fmt == MARKDOWN:
        return render_markdown(text).strip()
    if fmt == PLAIN:
        return str(escape(text)).replace("\n", "<br>\n")
    if fmt == MOODLE:
        # Moodle's auto-format: HTML is allowed and line breaks are kept.
        return sanitize_html(text.replace("\n", "<br>\n")).strip()
    return sanitize_html(text).strip()


def plain_text(html: str) -> str:
    """Tags removed and entities decoded: for names, summaries and comparisons."""
    text = TAG_RE.sub("", BLOCK_TAG_RE.sub(" ", html or ""))
    return " ".join(html_module.unescape(text).split())


def default_name(html: str, limit: int = 60) -> str:
    text = plain_text(html)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
