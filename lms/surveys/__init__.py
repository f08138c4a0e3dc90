"""End-of-course evaluation: a course's survey from its content files, anonymous answers, results."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported when the application is made, not with the package: the modules read the
    # models of the features the surveys plug into, which must be defined first.
    from lms.accounts.operations import SESSION_FACTS, SessionFact
    from lms.certificates.extension_points import CERTIFICATE_HOLDS
    from lms.core.i18n import _l
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import CONTENT_SECTIONS, LEARNING_STEPS
    from lms.extensions import api as rest_api
    from lms.surveys import (
        api,
        models,  # noqa: F401  (the tables)
        views,
    )
    from lms.surveys.content import SurveyContent
    from lms.surveys.operations import holds_certificate, may_view_results
    from lms.surveys.path_steps import survey_steps

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    CONTENT_SECTIONS.add(app, SurveyContent())
    CERTIFICATE_HOLDS.add(app, holds_certificate)
    LEARNING_STEPS.add(app, survey_steps)
    # After the certificate's own slot: the prompt says what the certificate waits for.
    register_slot(app, "dashboard.enrolment", views.prompt_slot)
    register_slot(app, "course.after_progress", views.prompt_slot)
    # Whether there is a prompt to show, asked with the session check of the pages showing it.
    SESSION_FACTS.add(app, SessionFact(views.PROMPTED, views.prompted,
                                       pages=("courses.dashboard", "courses.course")))
    register_nav(app, "surveys.index", _l("Course evaluations"), may_view_results, order=45, group="management")
