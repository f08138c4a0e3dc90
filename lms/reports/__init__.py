"""Programme statistics: dashboards, the pivot table, exports, the API, synthetic programme data."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported when the application is made, not with the package: the modules read every
    # other feature's models, which must be defined first.
    from lms.accounts.demo import DEMO_DATA
    from lms.core.i18n import _l
    from lms.core.web import register_nav, register_slot
    from lms.extensions import api as rest_api
    from lms.reports import api, cli, fact_rows, models, views  # noqa: F401  (the table, its upkeep)
    from lms.reports.donor import api as donor_api
    from lms.reports.donor import views as donor_views  # noqa: F401  (its pages, on the statistics blueprint)
    from lms.reports.filters import may_view_reports
    from lms.reports.measures import HEADLINE, MEASURES
    from lms.reports.tables import report_cell

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    rest_api.register_blueprint(donor_api.blp)
    app.cli.add_command(cli.demo_cli)
    app.cli.add_command(cli.reports_cli)
    app.jinja_env.globals.update(
        report_cell=report_cell,
        measure_label=lambda key: MEASURES[key].label,
        measure_kinds={key: m.kind for key, m in MEASURES.items()},
        headline_measures=HEADLINE,
    )
    register_nav(app, "reports.overview", _l("Statistics"), may_view_reports, order=40, group="management")
    DEMO_DATA.add(app, demo_programme)
    register_slot(app, "cohort.actions", views.cohort_link_slot)


DEMO_TRAINEES = 300


def demo_programme(session) -> list[str]:
    """Give the demo's statistics pages a small synthetic programme to show, once."""
    from lms.reports.synthetic import existing_programme, generate  # as in init_app: at call time

    if existing_programme(session):
        return []
    summary = generate(session, trainees=DEMO_TRAINEES, seed=1)
    return [f"Demo statistics: a synthetic programme of {summary.trainees} trainees in "
            f"{summary.cohorts} groups (accounts @programme.example) for the Statistics pages."]
