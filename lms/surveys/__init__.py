"""End-of-course evaluation: a course's survey from its content files, anonymous answers, results."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported when the application is made, not with the package: the modules read the
    # models of the features the surveys plug into, which must be defined first.
    from lms.certificates.extension_points import CERTIFICATE_HOLDS
    from lms.courses.extension_points import CONTENT_SECTIONS, LEARNING_STEPS
    from lms.surveys import models  # noqa: F401  (the tables)
    from lms.surveys.content import SurveyContent
    from lms.surveys.operations import holds_certificate
    from lms.surveys.path_steps import survey_steps

    CONTENT_SECTIONS.add(app, SurveyContent())
    CERTIFICATE_HOLDS.add(app, holds_certificate)
    LEARNING_STEPS.add(app, survey_steps)
