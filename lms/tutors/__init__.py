"""Tutored groups: cohorts, case-study assignments, submissions, the grading queue, grading."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lms.accounts.demo import register_demo_hook
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav, register_slot
    from lms.courses.completion import register_requirement_kind
    from lms.courses.content import register_content_extension
    from lms.extensions import api as rest_api
    from lms.tutors import access, api, assignment_views, cli, grading_views, tasks, views
    from lms.tutors.completion import ASSIGNMENT_REQUIREMENT
    from lms.tutors.content import AssignmentContent
    from lms.tutors.demo import demo_cohort
    from lms.tutors.progress import ModuleResultColumn, register_module_result
    from lms.tutors.queue import ASSIGNMENT_SOURCE, QueueSource, register_queue_source

    app.register_blueprint(views.bp)
    app.register_blueprint(assignment_views.bp)
    app.register_blueprint(grading_views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.tutors_cli)
    register(app, tasks.send_tutor_digests)
    app.add_template_filter(_markdown_html, "markdown_html")

    access.register()
    register_content_extension(AssignmentContent())
    register_requirement_kind(ASSIGNMENT_REQUIREMENT)
    register_queue_source(ASSIGNMENT_SOURCE)
    # Quiz essays wait in the same queue; the cohort table shows each module's quiz result.
    from lms.quizzes import operations as quiz_ops
    from lms.quizzes.results import module_results

    register_queue_source(QueueSource("essay", _l("Quiz essay"), quiz_ops.essay_queue_items,
                                      quiz_ops.essay_queue_describe))
    register_module_result(ModuleResultColumn("quiz", _l("Quiz"), module_results))
    register_demo_hook(demo_cohort)

    register_slot("course.join", views.join_slot)
    register_slot("course.module", assignment_views.module_slot)
    register_slot("dashboard.top", grading_views.dashboard_slot)
    register_nav("grading.queue", _l("Grading queue"), lambda user: user.is_tutor, order=20)
    register_nav("tutors.my_groups", _l("My groups"), lambda user: user.is_tutor, order=21)
    register_nav("tutors.cohorts", _l("Tutored groups"), lambda user: user.is_manager or user.is_admin, order=30)


def _markdown_html(text: str | None):
    """Tutor feedback is Markdown; show it as sanitised HTML."""
    from markupsafe import Markup

    from lms.core.markdown import render_markdown

    return Markup(render_markdown(text or ""))
