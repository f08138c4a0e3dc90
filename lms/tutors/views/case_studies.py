"""A trainee's case-study page: the scenario, the rubric, the response, the files, the feedback."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from lms.core.errors import Conflict, NotAllowed, TooLarge, ValidationFailed
from lms.core.forms import attach_errors
from lms.core.i18n import _, current_language
from lms.courses.operations import enrolment_of
from lms.extensions import db
from lms.tutors import uploads
from lms.tutors.forms import ResponseForm
from lms.tutors.models import Assignment, AttachmentContent, Submission
from lms.tutors.operations import submissions

bp = Blueprint("assignments", __name__, template_folder="../templates")


def scenario_language(assignment: Assignment, cohort_language: str | None) -> str:
    """The group's language (the course runs in it), else the reader's, else the course's default."""
    for code in (cohort_language, current_language(), assignment.course.default_language):
        if code and code in (assignment.scenario_html or {}):
            return code
    return next(iter(assignment.scenario_html or {"en": ""}))


def _context(assignment: Assignment):
    """(enrolment or None for staff preview, cohort language); refuse anyone else."""
    enrolment = enrolment_of(db.session, current_user, assignment.course_id)
    if enrolment is not None and enrolment.is_active:
        return enrolment, enrolment.content_language
    if enrolment is not None and submissions.submission_of(db.session, enrolment.id, assignment.id):
        return enrolment, enrolment.content_language  # withdrawn: read only
    if assignment.course.can_be_previewed_by(current_user):
        return None, None
    raise NotAllowed(_("Case studies are for the members of a tutored group of this course."))


@bp.route("/courses/<slug>/assignments/<assignment>", methods=["GET", "POST"])
@login_required
def assignment(slug: str, assignment: str):
    found = submissions.assignment_by_slugs(db.session, slug, assignment)
    enrolment, cohort_language = _context(found)
    form = ResponseForm()
    status = 200
    if request.method == "POST":
        if enrolment is None:
            raise NotAllowed()
        if form.validate_on_submit():
            upload = request.files.get("file")
            removals = [int(v) for v in request.form.getlist("remove") if v.isdigit()]
            try:
                submission, submitted = submissions.work_on(
                    db.session, current_user, found, body=form.body.data, remove_attachment_ids=removals,
                    upload=(upload.filename, upload.stream) if upload and upload.filename else None,
                    submit_now=request.form.get("action") == "submit")
            except (ValidationFailed, TooLarge) as exc:
                db.session.rollback()
                attach_errors(form, exc.errors)
                status = exc.status
            except Conflict as exc:
                db.session.rollback()
                flash(exc.message, "error")
                return redirect(request.path), 303
            else:
                db.session.commit()
                if submitted:
                    flash(_("Your work has been submitted. Your tutor will review it."), "success")
                elif request.form.get("action") != "submit":
                    flash(_("Your draft has been saved."), "success")
                return redirect(request.path), 303
        else:
            status = 400
    submission = submissions.submission_of(db.session, enrolment.id, found.id) if enrolment else None
    if request.method == "GET" and submission is not None:
        form.body.data = submission.body
    attachments = submissions.attachments_by_id(db.session, submission.id) if submission else {}
    language = scenario_language(found, cohort_language)
    if request.args.get("language") in (found.scenario_html or {}):
        language = request.args["language"]  # the reader asked for another of its languages
    return render_template(
        "tutors/assignment.html", assignment=found, course=found.course, enrolment=enrolment,
        submission=submission, form=form, attachments=attachments,
        working=[a for a in attachments.values() if a.removed_at is None], language=language,
        editable=enrolment is not None and enrolment.is_active and (submission is None or submission.is_editable),
        max_files=submissions.MAX_ATTACHMENTS, types=uploads.allowed_types(),
        max_mb=uploads.max_bytes() // (1024 * 1024)), status


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    return send_attachment(submissions.attachment_for_download(db.session, current_user, attachment_id))


def send_attachment(found):
    """Send an attachment as a download that no browser renders or sniffs."""
    data = db.session.scalar(select(AttachmentContent.data).where(AttachmentContent.attachment_id == found.id))
    if data is None:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=found.content_type, as_attachment=True,
                         download_name=found.original_name, max_age=0, conditional=True,
                         etag=f"attachment-{found.id}-{found.size}", last_modified=found.uploaded_at)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the course page's module slot -----------------------------------------------------

def _module_assignments(course, enrolment) -> dict[int, tuple[Assignment, str | None]]:
    """All of a course's assignments and the trainee's statuses, read once per request."""
    cache = g.setdefault("_tutors_module_assignments", {})
    key = (course.id, enrolment.id if enrolment else None)
    if key not in cache:
        assignments = list(db.session.scalars(select(Assignment).where(
            Assignment.course_id == course.id, Assignment.is_retired.is_(False))))
        statuses = {}
        if enrolment is not None:
            statuses = dict(db.session.execute(select(Submission.assignment_id, Submission.status).where(
                Submission.enrolment_id == enrolment.id)).all())
        cache[key] = {a.module_id: (a, statuses.get(a.id)) for a in assignments}
    return cache[key]


def _may_preview(course) -> bool:
    cache = g.setdefault("_tutors_course_preview", {})
    if course.id not in cache:
        cache[course.id] = course.can_be_previewed_by(current_user)
    return cache[course.id]


def module_slot(course, module, enrolment=None, **_context) -> str:
    if not course.is_tutored or not current_user.is_authenticated:
        return ""
    if enrolment is None and not _may_preview(course):
        return ""
    found = _module_assignments(course, enrolment).get(module.id)
    if found is None:
        return ""
    assignment, status = found
    return Markup(render_template("tutors/_module_assignment.html", course=course, assignment=assignment,
                                  status=status, enrolment=enrolment))
