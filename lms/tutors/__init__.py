"""Tutored groups: cohorts, case-study assignments, submissions, the grading queue, grading."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from lms.core.markdown import render_markdown


def init_app(app: Flask) -> None:
    # Imported here, not at the top: importing ``lms.tutors.models`` (as reports do) must not
    # load the web doors of this feature, nor the features it plugs into.
    from lms.accounts.demo import DEMO_DATA
    from lms.accounts.operations import SESSION_FACTS, SessionFact
    from lms.core.data_version import not_statistical
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import COMPLETION_KINDS, CONTENT_SECTIONS, LEARNING_STEPS
    from lms.extensions import api as rest_api
    from lms.notifications.extension_points import NOTIFICATION_KINDS
    from lms.quizzes import operations as quiz_operations
    from lms.quizzes.results import module_results, quiz_grades
    from lms.tutors import access_rules, cli, tasks
    from lms.tutors.api import case_studies as case_studies_api
    from lms.tutors.api import cohorts as cohorts_api
    from lms.tutors.api import grading as grading_api
    from lms.tutors.api import members as members_api
    from lms.tutors.assignment_requirement import ASSIGNMENT_REQUIREMENT
    from lms.tutors.content import AssignmentContent
    from lms.tutors.demo import demo_cohort
    from lms.tutors.extension_points import (
        GRADE_SOURCES,
        MODULE_RESULT_COLUMNS,
        QUEUE_SOURCES,
        GradeSource,
        ModuleResultColumn,
        QueueSource,
    )
    from lms.tutors.notification_kinds import GRADED_KIND, RETURNED_KIND
    from lms.tutors.operations.grading_queue import ASSIGNMENT_SOURCE
    from lms.tutors.operations.moodle_grades import case_study_grades
    from lms.tutors.path_steps import case_study_steps
    from lms.tutors.views import case_studies as case_studies_views
    from lms.tutors.views import cohorts as cohorts_views
    from lms.tutors.views import grading as grading_views

    # A tutor's notification preference feeds no statistic.
    not_statistical(app, "tutor_preference")

    app.register_blueprint(cohorts_views.bp)
    app.register_blueprint(case_studies_views.bp)
    app.register_blueprint(grading_views.bp)
    rest_api.register_blueprint(cohorts_api.blp)
    rest_api.register_blueprint(case_studies_api.blp)
    rest_api.register_blueprint(grading_api.blp)
    rest_api.register_blueprint(members_api.blp)
    app.cli.add_command(cli.tutors_cli)
    register(app, tasks.send_tutor_digests)
    app.add_template_filter(_markdown_html, "markdown_html")

    access_rules.register(app)
    CONTENT_SECTIONS.add(app, AssignmentContent())
    COMPLETION_KINDS.add(app, ASSIGNMENT_REQUIREMENT)
    LEARNING_STEPS.add(app, case_study_steps)
    QUEUE_SOURCES.add(app, ASSIGNMENT_SOURCE)
    # Quiz essays wait in the same queue; the cohort table shows each module's quiz result.
    QUEUE_SOURCES.add(app, QueueSource("essay", _l("Quiz essay"), quiz_operations.essay_queue_items,
                                       quiz_operations.essay_queue_describe))
    MODULE_RESULT_COLUMNS.add(app, ModuleResultColumn("quiz", _l("Quiz"), module_results))
    # A group's grades for Moodle: each quiz's grade, then each case study's points.
    GRADE_SOURCES.add(app, GradeSource("quiz", quiz_grades))
    GRADE_SOURCES.add(app, GradeSource("case_study", case_study_grades))
    DEMO_DATA.add(app, demo_cohort)
    NOTIFICATION_KINDS.add(app, GRADED_KIND)
    NOTIFICATION_KINDS.add(app, RETURNED_KIND)

    register_slot(app, "course.join", cohorts_views.join_slot)
    register_slot(app, "course.module", case_studies_views.module_slot)
    register_slot(app, "dashboard.enrolment", case_studies_views.dashboard_enrolment_slot)
    # Whether any round was sent back, asked with the dashboard's session check.
    SESSION_FACTS.add(app, SessionFact(case_studies_views.RETURNED_FACT, case_studies_views.returned_to,
                                       pages=("courses.dashboard",)))
    register_slot(app, "dashboard.top", grading_views.dashboard_slot)
    register_nav(app, "grading.queue", _l("Grading queue"), lambda user: user.is_tutor, order=20,
                 group="tutoring")
    register_nav(app, "tutors.my_groups", _l("My groups"), lambda user: user.is_tutor, order=21,
                 group="tutoring")
    register_nav(app, "tutors.cohorts", _l("Tutored groups"), lambda user: user.is_manager or user.is_admin,
                 order=30, group="management")


def _markdown_html(text: str | None):
    """Tutor feedback is Markdown; show it as sanitised HTML."""
    return Markup(render_markdown(text or ""))
