"""Tutored groups: cohorts, case-study assignments, submissions, the grading queue, grading."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lms.accounts.demo import DEMO_DATA
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import COMPLETION_KINDS, CONTENT_SECTIONS
    from lms.extensions import api as rest_api
    from lms.tutors import access_rules, api, assignment_views, cli, grading_views, tasks, views
    from lms.tutors.completion import ASSIGNMENT_REQUIREMENT
    from lms.tutors.content import AssignmentContent
    from lms.tutors.demo import demo_cohort
    from lms.tutors.progress import MODULE_RESULT_COLUMNS, ModuleResultColumn
    from lms.tutors.queue import ASSIGNMENT_SOURCE, QUEUE_SOURCES, QueueSource

    app.register_blueprint(views.bp)
    app.register_blueprint(assignment_views.bp)
    app.register_blueprint(grading_views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.tutors_cli)
    register(app, tasks.send_tutor_digests)
    app.add_template_filter(_markdown_html, "markdown_html")

    access_rules.register(app)
    CONTENT_SECTIONS.add(app, AssignmentContent())
    COMPLETION_KINDS.add(app, ASSIGNMENT_REQUIREMENT)
    QUEUE_SOURCES.add(app, ASSIGNMENT_SOURCE)
    # Quiz essays wait in the same queue; the cohort table shows each module's quiz result.
    from lms.quizzes import operations as quiz_ops
    from lms.quizzes.results import module_results

    QUEUE_SOURCES.add(app, QueueSource("essay", _l("Quiz essay"), quiz_ops.essay_queue_items,
                                       quiz_ops.essay_queue_describe))
    MODULE_RESULT_COLUMNS.add(app, ModuleResultColumn("quiz", _l("Quiz"), module_results))
    DEMO_DATA.add(app, demo_cohort)

    register_slot(app, "course.join", views.join_slot)
    register_slot(app, "course.module", assignment_views.module_slot)
    register_slot(app, "dashboard.top", grading_views.dashboard_slot)
    register_nav(app, "grading.queue", _l("Grading queue"), lambda user: user.is_tutor, order=20)
    register_nav(app, "tutors.my_groups", _l("My groups"), lambda user: user.is_tutor, order=21)
    register_nav(app, "tutors.cohorts", _l("Tutored groups"), lambda user: user.is_manager or user.is_admin,
                 order=30)


def _markdown_html(text: str | None):
    """Tutor feedback is Markdown; show it as sanitised HTML."""
    from markupsafe import Markup

    from lms.core.markdown import render_markdown

    return Markup(render_markdown(text or ""))
