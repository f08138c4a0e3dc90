"""Announcements in HTML: a group's and a course's list with the form to post, one announcement,
and the slots on the course page and the dashboard."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.accounts.operations import nothing_to_show
from lms.announcements import operations as ops
from lms.announcements.forms import AnnouncementForm
from lms.core.errors import NotAllowed, NotFound
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _, ngettext
from lms.courses.operations.lookups import course_by_slug
from lms.extensions import db
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import cohort_by_id

bp = Blueprint("announcements", __name__, template_folder="templates")


def _page_argument() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100000 else 1


def readable_cohort(cohort_id: int) -> Cohort:
    """The group if the user reads its announcements (member, tutor, manager); else 404."""
    cohort = cohort_by_id(db.session, cohort_id)
    if not ops.can_read_cohort(db.session, current_user, cohort):
        raise NotFound()
    return cohort


@bp.route("/cohorts/<int:cohort_id>/announcements", methods=["GET", "POST"])
@login_required
def cohort_announcements(cohort_id: int):
    cohort = readable_cohort(cohort_id)
    may_post = ops.may_post_to(current_user, cohort)
    form = AnnouncementForm()
    if request.method == "POST":
        if not may_post:
            raise NotAllowed()  # a member reads the group's announcements but does not post them
        if form.validate_on_submit():
            with errors_on(form):
                ops.post_to_cohort(db.session, current_user, cohort, ops.Draft(form.title.data, form.body.data))
                flash(_("The announcement has been posted. Each member is told in their language."), "success")
                return redirect(url_for("announcements.cohort_announcements", cohort_id=cohort.id), 303)
    page = ops.page_for_cohort(db.session, cohort, _page_argument())
    return render_template("announcements/cohort.html", cohort=cohort, page=page, form=form,
                           may_post=may_post), status_of(form)


@bp.route("/courses/<slug>/announcements", methods=["GET", "POST"])
@login_required
def course_announcements(slug: str):
    course = course_by_slug(db.session, slug)
    scope = ops.cohorts_in_scope(db.session, current_user, course) if ops.may_post_to_course(current_user) else []
    form = AnnouncementForm()
    if request.method == "POST":
        if not ops.may_post_to_course(current_user):
            raise NotAllowed()
        if form.validate_on_submit():
            with errors_on(form):
                announcement = ops.post_to_course(db.session, current_user, course,
                                                  ops.Draft(form.title.data, form.body.data))
                count = len(announcement.cohort_rows)
                flash(ngettext("The announcement has been posted to %(num)s group.",
                               "The announcement has been posted to %(num)s groups.", count), "success")
                return redirect(url_for("announcements.course_announcements", slug=course.slug), 303)
    page = ops.page_for_course(db.session, current_user, course, _page_argument())
    return render_template("announcements/course.html", course=course, page=page, form=form,
                           scope=scope), status_of(form)


@bp.get("/announcements/<int:announcement_id>")
@login_required
def announcement(announcement_id: int):
    found = ops.announcement_for(db.session, current_user, announcement_id)
    return render_template("announcements/announcement.html", announcement=found)


# --- page slots ----------------------------------------------------------------------------

ANNOUNCED = "announcements_any"


def course_slot(course=None, enrolment=None, **_context) -> str:
    """On the course page: the newest announcements of the reader's group."""
    if course is None or enrolment is None or not current_user.is_authenticated:
        return ""
    if nothing_to_show(current_user, ANNOUNCED):   # none in any of their groups
        return ""
    recent = ops.recent_for(db.session, current_user, course=course)
    if not recent:
        return ""
    return render_template("announcements/_recent.html", announcements=recent, course=course)


def dashboard_slot(user=None, **_context) -> str:
    """On the dashboard: the newest announcements of all the reader's groups."""
    if user is None or not user.is_authenticated or nothing_to_show(user, ANNOUNCED):
        return ""
    recent = ops.recent_for(db.session, user)
    if not recent:
        return ""
    return render_template("announcements/_recent.html", announcements=recent, course=None)


def cohort_action(cohort=None, **_context) -> str:
    """On a group's page and its progress page: the way to its announcements."""
    if cohort is None or not current_user.is_authenticated:
        return ""
    return render_template("announcements/_cohort_action.html", cohort=cohort)
