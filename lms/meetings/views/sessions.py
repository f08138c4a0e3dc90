"""A group's sessions in HTML: the list, one session, scheduling, changing, cancelling, the register."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.extensions import db
from lms.meetings.forms import MeetingForm, RegisterForm, VersionForm
from lms.meetings.models import ATTENDANCE, KINDS
from lms.meetings.operations import attendance, scheduling
from lms.tutors.forms import version_of
from lms.tutors.models import Cohort
from lms.tutors.operations.cohorts import cohort_by_id

bp = Blueprint("meetings", __name__, template_folder="../templates")


def _readable_cohort(cohort_id: int) -> tuple[Cohort, bool]:
    """The group, and whether ``current_user`` may schedule for it; 404 for anyone outside it."""
    cohort = cohort_by_id(db.session, cohort_id)
    manage = cohort.can_be_followed_by(current_user)
    if not manage and cohort.id not in scheduling.member_cohort_ids(db.session, current_user):
        abort(404)
    return cohort, manage


def _local(value: datetime | None) -> datetime | None:
    """A time typed in the form (the person's own zone) as an aware datetime."""
    return value.replace(tzinfo=ZoneInfo(current_user.zone_name)) if value is not None else None


def _fill(form: MeetingForm) -> None:
    form.kind.choices = [(code, str(label)) for code, label in KINDS.items()]


def _fields(form: MeetingForm) -> scheduling.MeetingFields:
    return scheduling.MeetingFields(
        kind=form.kind.data or "", title=form.title.data or "", starts_at=_local(form.starts_at.data),
        ends_at=_local(form.ends_at.data), place=form.place.data, online_url=form.online_url.data,
        key=form.key.data, details=form.details.data)


@bp.get("/cohorts/<int:cohort_id>/sessions")
@login_required
def group_sessions(cohort_id: int):
    cohort, manage = _readable_cohort(cohort_id)
    meetings = scheduling.meetings_of(db.session, cohort)
    now = utcnow()
    return render_template("meetings/sessions.html", cohort=cohort, manage=manage, now=now,
                           upcoming=[m for m in meetings if m.ends_at >= now],
                           past=[m for m in reversed(meetings) if m.ends_at < now])


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(cohort_id: int):
    cohort, manage = _readable_cohort(cohort_id)
    if not manage:
        abort(404)
    form = MeetingForm()
    _fill(form)
    if form.validate_on_submit():
        with errors_on(form):
            meeting = scheduling.create_meeting(db.session, current_user, cohort, _fields(form))
            flash(_("The session has been scheduled."), "success")
            return redirect(url_for("meetings.session", meeting_id=meeting.id))
    return render_template("meetings/session_form.html", form=form, cohort=cohort, meeting=None), status_of(form)


@bp.get("/sessions/<int:meeting_id>")
@login_required
def session(meeting_id: int):
    meeting = scheduling.meeting_to_read(db.session, current_user, meeting_id)
    manage = meeting.can_be_managed_by(current_user)
    rows = attendance.register_of(db.session, meeting) if manage else []
    return render_template("meetings/session.html", meeting=meeting, cohort=meeting.cohort, manage=manage,
                           rows=rows, labels=ATTENDANCE, form=VersionForm(version=meeting.version))


@bp.route("/sessions/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(meeting_id: int):
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    _fill(form)
    if request.method == "GET":
        zone = ZoneInfo(current_user.zone_name)
        form.starts_at.data = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
        form.ends_at.data = meeting.ends_at.astimezone(zone).replace(tzinfo=None)
        form.version.data = meeting.version
    if form.validate_on_submit():
        with errors_on(form):
            scheduling.update_meeting(db.session, current_user, meeting, _fields(form),
                                      version=version_of(form.version))
            flash(_("The session has been saved."), "success")
            return redirect(url_for("meetings.session", meeting_id=meeting.id))
    return render_template("meetings/session_form.html", form=form, cohort=meeting.cohort,
                           meeting=meeting), status_of(form)


@bp.post("/sessions/<int:meeting_id>/delete")
@login_required
def delete_session(meeting_id: int):
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    cohort_id = meeting.cohort_id
    form = VersionForm()
    if form.validate_on_submit():
        with errors_on(form):
            scheduling.delete_meeting(db.session, current_user, meeting, version=version_of(form.version))
            flash(_("The session has been cancelled."), "info")
            return redirect(url_for("meetings.group_sessions", cohort_id=cohort_id))
        for message in form.form_errors:
            flash(message, "error")
    return redirect(url_for("meetings.session", meeting_id=meeting_id))


@bp.route("/sessions/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def register(meeting_id: int):
    meeting = scheduling.meeting_to_manage(db.session, current_user, meeting_id)
    form = RegisterForm()
    rows = attendance.register_of(db.session, meeting)
    chosen = {row.enrolment_id: row.status for row in rows}
    if request.method == "GET":
        form.version.data = meeting.version
    if form.validate_on_submit():
        statuses = {}
        for row in rows:
            value = request.form.get(f"status-{row.enrolment_id}", "")
            statuses[row.enrolment_id] = value or None
        chosen.update(statuses)
        with errors_on(form):
            attendance.record_attendance(db.session, current_user, meeting, statuses,
                                         version=version_of(form.version))
            flash(_("The attendance has been recorded."), "success")
            return redirect(url_for("meetings.session", meeting_id=meeting.id) + "#register")
    return render_template("meetings/register.html", meeting=meeting, cohort=meeting.cohort, form=form, rows=rows,
                           chosen=chosen, labels=ATTENDANCE), status_of(form)


def _attendance_grid(cohort: Cohort):
    meetings = scheduling.meetings_of(db.session, cohort)
    return meetings, attendance.group_attendance(db.session, cohort, meetings)


def progress_slot(cohort=None, **_context) -> str:
    """Under a group's progress table: each member's attendance of the group's sessions."""
    if cohort is None:
        return ""
    meetings, rows = _attendance_grid(cohort)
    return render_template("meetings/_attendance_grid.html", cohort=cohort, meetings=meetings, rows=rows,
                           labels=ATTENDANCE)


def cohort_actions_slot(cohort=None, **_context) -> str:
    """On a group's page: its sessions and their attendance."""
    if cohort is None:
        return ""
    return render_template("meetings/_cohort_actions.html", cohort=cohort)


def course_slot(course=None, enrolment=None, **_context) -> str:
    """On a tutored course's page, for a member: the group's next sessions."""
    if course is None or enrolment is None or not course.is_tutored:
        return ""
    cohort, meetings = scheduling.upcoming_for_enrolment(db.session, enrolment)
    if cohort is None:
        return ""
    return render_template("meetings/_course_sessions.html", cohort=cohort, meetings=meetings)
