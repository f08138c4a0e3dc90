"""Live sessions of tutored groups and their attendance (a completion requirement a course may
set); each person's time zone and calendar, with its private iCalendar feed."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, not at the top: importing ``lms.meetings.models`` (as reports do) must not
    # load the web doors of this feature, nor the features it plugs into.
    from lms.accounts.demo import DEMO_DATA
    from lms.core.data_version import not_statistical
    from lms.core.i18n import _l
    from lms.core.web import register_nav, register_slot
    from lms.courses.extension_points import COMPLETION_KINDS, CONTENT_SECTIONS, LEARNING_STEPS
    from lms.extensions import api as rest_api
    from lms.meetings import statistics
    from lms.meetings.api import calendar as calendar_api
    from lms.meetings.api import sessions as sessions_api
    from lms.meetings.demo import demo_sessions
    from lms.meetings.path_steps import session_steps
    from lms.meetings.requirement import ATTENDANCE_REQUIREMENT, AttendanceContent
    from lms.meetings.views import calendar as calendar_views
    from lms.meetings.views import sessions as sessions_views

    # A member's calendar feed address feeds no statistic.
    not_statistical(app, "calendar_feed")

    app.register_blueprint(sessions_views.bp)
    rest_api.register_blueprint(sessions_api.blp)
    rest_api.register_blueprint(calendar_api.blp)

    CONTENT_SECTIONS.add(app, AttendanceContent())
    COMPLETION_KINDS.add(app, ATTENDANCE_REQUIREMENT)
    LEARNING_STEPS.add(app, session_steps)
    DEMO_DATA.add(app, demo_sessions)

    register_slot(app, "cohort.actions", sessions_views.cohort_actions_slot)
    register_slot(app, "cohort.progress", sessions_views.progress_slot)
    register_slot(app, "course.after_progress", sessions_views.course_slot)
    register_slot(app, "account.sections", calendar_views.account_slot)
    register_slot(app, "reports.overview", statistics.overview_slot)
    register_slot(app, "reports.cohort", statistics.cohort_slot)
    register_nav(app, "meetings.calendar", _l("Calendar"), lambda user: user.is_authenticated, order=15)
