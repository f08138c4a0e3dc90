"""The glossary page, and its link beside every lesson."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup

from lms.core.i18n import _, current_language
from lms.core.web import drawn_once
from lms.extensions import db
from lms.glossary import operations as ops

bp = Blueprint("glossary", __name__, template_folder="templates")


@bp.get("/glossary")
def index():
    query = (request.args.get("q") or "").strip()[:ops.MAX_QUERY]
    entries = ops.glossary(db.session, current_language(), query)
    total = ops.term_count(db.session) if query else len(entries)
    return render_template("glossary/index.html", entries=entries, query=query, total=total)


def lesson_slot(**_context) -> Markup:
    """The link beside every lesson, drawn once per language (the lesson page is the hottest page)."""
    return drawn_once("glossary.lesson_link", current_language(), lambda: Markup(
        '<p class="aside-link"><a href="{}">{}</a></p>').format(url_for("glossary.index"), _("Glossary of key terms")))
