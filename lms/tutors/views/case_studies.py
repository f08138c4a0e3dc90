"""A trainee's case-study page: the scenario, the rubric, the response, the files, the feedback."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import Row, bindparam, select

from lms.accounts.operations import nothing_to_show
from lms.core.errors import NotAllowed
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
from lms.core.unit_of_work import flush_pending
from lms.courses.models import Enrolment
from lms.extensions import db
from lms.tutors import uploads
from lms.tutors.forms import ResponseForm, version_of
from lms.tutors.models import RETURNED, Assignment, AttachmentContent, Submission
from lms.tutors.operations import submissions
from lms.tutors.operations.case_studies import assignment_by_slugs, read_case_study

bp = Blueprint("assignments", __name__, template_folder="../templates")


@bp.route("/courses/<slug>/assignments/<assignment>", methods=["GET", "POST"])
@login_required
def assignment(slug: str, assignment: str):
    found = assignment_by_slugs(db.session, slug, assignment)
    reading = read_case_study(db.session, current_user, found, language=request.args.get("language"))
    form = ResponseForm()
    status = 200
    if request.method == "POST":
        if reading.is_preview:
            raise NotAllowed()
        if form.validate_on_submit():
            upload = request.files.get("file")
            with errors_on(form):
                _submission, submitted = submissions.work_on(
                    db.session, current_user, found, body=form.body.data,
                    version=version_of(form.version, required=False),
                    remove_attachment_ids=[int(v) for v in request.form.getlist("remove") if v.isdigit()],
                    upload=(upload.filename, upload.stream) if upload and upload.filename else None,
                    submit_now=request.form.get("action") == "submit")
                if submitted:
                    flash(_("Your work has been submitted. Your tutor will review it."), "success")
                elif request.form.get("action") != "submit":
                    flash(_("Your draft has been saved."), "success")
                return redirect(request.path), 303
            status = status_of(form)  # refused: the work as it is, what was typed still in the form
        else:
            status = 400
    submission = reading.submission
    if request.method == "GET":
        form.body.data = submission.body if submission is not None else ""
        form.version.data = submission.version if submission is not None else 0
    attachments = {a.id: a for a in submission.attachments} if submission is not None else {}
    return render_template(
        "tutors/assignment.html", assignment=found, course=found.course, enrolment=reading.enrolment,
        submission=submission, form=form, attachments=attachments,
        working=[a for a in attachments.values() if a.removed_at is None], language=reading.language,
        editable=reading.editable, max_files=submissions.MAX_ATTACHMENTS, types=uploads.allowed_types(),
        max_mb=uploads.max_bytes() // (1024 * 1024)), status


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    return send_attachment(submissions.attachment_for_download(db.session, current_user, attachment_id))


def send_attachment(found):
    """Send an attachment as a download that no browser renders or sniffs (both doors use it)."""
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

def _module_assignments(course, enrolment) -> dict[int, list[tuple[Assignment, str | None]]]:
    """All of a course's assignments, module by module in order, and the trainee's statuses,
    read once per request."""
    cache = g.setdefault("_tutors_module_assignments", {})
    key = (course.id, enrolment.id if enrolment else None)
    if key not in cache:
        assignments = list(db.session.scalars(select(Assignment).where(
            Assignment.course_id == course.id, Assignment.is_retired.is_(False)).order_by(Assignment.position)))
        statuses = {}
        if enrolment is not None:
            statuses = dict(db.session.execute(select(Submission.assignment_id, Submission.status).where(
                Submission.enrolment_id == enrolment.id)).all())
        by_module: dict[int, list] = {}
        for assignment in assignments:
            by_module.setdefault(assignment.module_id, []).append((assignment, statuses.get(assignment.id)))
        cache[key] = by_module
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
    if not found:
        return ""
    return Markup(render_template("tutors/_module_assignment.html", course=course, assignments=found,
                                  enrolment=enrolment))


# --- the trainee's dashboard -----------------------------------------------------------

def _returned_to(statement, user_id):
    """Rounds sent back to the person with this id (a column or a parameter) to resubmit."""
    return (statement.join(Assignment, Assignment.id == Submission.assignment_id)
            # The trainee's own enrolments first (along ix_submission_enrolment_status), not
            # every round sent back in the programme.
            # Correlated to the person's id however deep it sits (a session fact's is the
            # session check's column).
            .where(Submission.enrolment_id.in_(select(Enrolment.id).where(Enrolment.user_id == user_id)
                                               .correlate_except(Enrolment)),
                   Submission.status == RETURNED, Assignment.is_retired.is_(False)))


# Asked on every dashboard where the session check found one (RETURNED_FACT): built once,
# run on the connection, only what the notice shows.
_RETURNED = (_returned_to(select(Submission.enrolment_id, Assignment.slug, Assignment.title, Submission.due_on),
                          bindparam("user_id"))
             .order_by(Assignment.position, Assignment.id))
RETURNED_FACT = "case_studies_returned"


def returned_to(user_id):
    """Whether any round was sent back to the person with this id (a column): asked with the
    dashboard's session check (``SESSION_FACTS``)."""
    return _returned_to(select(Submission.id), user_id).exists()


def _returned_case_studies() -> dict[int, list[Row]]:
    """The signed-in trainee's case studies sent back for resubmission (address, title, date
    to resubmit by), by enrolment; one query."""
    if "_tutors_returned" not in g:
        found: dict[int, list] = {}
        if not nothing_to_show(current_user, RETURNED_FACT):
            flush_pending(db.session)
            for row in db.session.connection().execute(_RETURNED, {"user_id": current_user.id}):
                found.setdefault(row.enrolment_id, []).append(row)
        g._tutors_returned = found
    return g._tutors_returned


def dashboard_enrolment_slot(enrolment=None, **_context) -> str:
    """On the trainee's dashboard: a case study the tutor sent back, with its date."""
    if enrolment is None or not current_user.is_authenticated or not enrolment.is_active:
        return ""
    returned = _returned_case_studies().get(enrolment.id)
    if not returned:
        return ""
    return Markup(render_template("tutors/_dashboard_returned.html", course=enrolment.course, returned=returned))
