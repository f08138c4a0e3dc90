"""Programme statistics: dashboards, the pivot table, exports, the API, synthetic programme data."""

from __future__ import annotations

from datetime import date

from flask import Flask
from markupsafe import Markup, escape


def report_cell(cell, kind: str) -> Markup:
    """A table cell as HTML: a figure written for the reader's locale, or marked as hidden."""
    from flask_babel import format_date

    from lms.core.i18n import _
    from lms.reports.charts import formatter
    from lms.reports.operations import Value
    from lms.reports.tables import Link

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


def init_app(app: Flask) -> None:
    from lms.accounts.demo import DEMO_DATA
    from lms.core.i18n import _l
    from lms.core.web import register_nav, register_slot
    from lms.extensions import api as rest_api
    from lms.reports import api, cli, models, views  # noqa: F401  (models: the indexes)
    from lms.reports.definitions import HEADLINE, MEASURES
    from lms.reports.filters import may_view_reports

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.demo_cli)
    app.jinja_env.globals.update(
        report_cell=report_cell,
        measure_label=lambda key: MEASURES[key].label,
        measure_kinds={key: m.kind for key, m in MEASURES.items()},
        headline_measures=HEADLINE,
    )
    register_nav(app, "reports.overview", _l("Statistics"), may_view_reports, order=40)
    DEMO_DATA.add(app, demo_programme)
    register_slot(app, "cohort.actions", views.cohort_link_slot)


DEMO_TRAINEES = 300


def demo_programme(session) -> list[str]:
    """Give the demo's statistics pages a small synthetic programme to show, once."""
    from lms.reports.synthetic import existing_programme, generate

    if existing_programme(session):
        return []
    summary = generate(session, trainees=DEMO_TRAINEES, seed=1)
    return [f"Demo statistics: a synthetic programme of {summary.trainees} trainees in "
            f"{summary.cohorts} groups (accounts @programme.example) for the Statistics pages."]
