"""Quizzes: question types, the question bank, GIFT and Moodle XML import, attempts and review."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the application is built: importing lms.quizzes for its models
    # (as migrations and other features do) must not load its pages, API and commands.
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import COMPLETION_KINDS, CONTENT_SECTIONS, LEARNING_STEPS
    from lms.extensions import api as rest_api
    from lms.quizzes import api, cli, content, path_steps, requirement, tasks, views

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.questions_cli)
    app.cli.add_command(cli.quizzes_cli)
    register(app, tasks.close_overdue_attempts)
    CONTENT_SECTIONS.add(app, content.QuizContent())
    COMPLETION_KINDS.add(app, requirement.QUIZ_KIND)
    LEARNING_STEPS.add(app, path_steps.quiz_steps)
    register_slot(app, "course.module", views.render_module_quiz)
    register_slot(app, "course.end", views.render_final_assessment)
    register_slot(app, "course.after_progress", views.render_pretest)
    register_nav(app, "quizzes.import_questions", _l("Question import"),
                 lambda user: user.is_manager or user.is_admin, order=70,
                 group="management")
