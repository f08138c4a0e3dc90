"""Markdown to safe HTML: markdown-it-py (CommonMark + tables), sanitised with nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul", "figure", "figcaption", "span", "div", "b", "i", "u", "s",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
    )


def render_markdown(text: str) -> str:
    return sanitize_html(_renderer.render(text or ""))


def word_count(text: str) -> int:
    return len([word for word in (text or "").split() if any(ch.isalnum() for ch in word)])
