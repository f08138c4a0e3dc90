"""Discussion forums: one per tutored group and one per self-paced course, with threads seeded
from the content's discussion prompts, moderation, subscriptions and a daily digest."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, not at the top: importing ``lms.forum.models`` (as reports do) must not
    # load the web doors of this feature, nor the features it plugs into.
    from lms.accounts.demo import DEMO_DATA
    from lms.core.data_version import not_statistical
    from lms.core.i18n import _l
    from lms.core.tasks import register
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import CONTENT_SECTIONS
    from lms.extensions import api as rest_api
    from lms.forum import api, cli, tasks, views
    from lms.forum.content import ForumThreads
    from lms.forum.extension_points import FORUM_EVENTS
    from lms.forum.notification_kinds import KINDS, tell
    from lms.forum.operations import ensure_forum, seed_all
    from lms.notifications.extension_points import NOTIFICATION_KINDS
    from lms.tutors.extension_points import COHORT_SAVED

    # What a member has read, follows and was sent in a digest feeds no statistic.
    not_statistical(app, "forum_read", "forum_subscription", "forum_digest")

    app.register_blueprint(views.bp)
    rest_api.register_blueprint(api.blp)
    app.cli.add_command(cli.forum_cli)
    register(app, tasks.send_forum_digests, tasks.record_thread_read)
    CONTENT_SECTIONS.add(app, ForumThreads())
    COHORT_SAVED.add(app, lambda session, cohort: ensure_forum(session, cohort=cohort))
    DEMO_DATA.add(app, lambda session: [f"{seed_all(session)} forum(s) opened."])
    for kind in KINDS:
        NOTIFICATION_KINDS.add(app, kind)
    FORUM_EVENTS.add(app, tell)
    register_slot(app, "cohort.actions", views.cohort_actions_slot)
    register_slot(app, "cohort.progress", views.participation_slot)
    register_slot(app, "course.after_progress", views.course_slot)
    # A trainee's forums on the top level; staff find them in their drop-down, so that a
    # staff header keeps to one row at 1,280 px.
    register_nav(app, "forum.forums", _l("Discussion"),
                 lambda user: not (user.is_tutor or user.is_manager or user.is_admin), order=15)
    register_nav(app, "forum.forums", _l("Discussion"), lambda user: user.is_tutor, order=22, group="tutoring")
    register_nav(app, "forum.forums", _l("Discussion"),
                 lambda user: (user.is_manager or user.is_admin) and not user.is_tutor, order=42, group="management")
