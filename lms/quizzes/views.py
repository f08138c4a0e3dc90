"""Quiz pages: a quiz, an attempt (works without JavaScript), its review, essay grading,
question import for managers, the question bank, and images embedded in questions."""

from __future__ import annotations

import os
from functools import cached_property

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from lms.accounts.forms import EmptyForm
from lms.core.errors import Conflict, NotAllowed, ValidationFailed
from lms.core.forms import errors_on, status_of
from lms.core.i18n import LANGUAGES, _, current_language
from lms.core.models import utcnow
from lms.core.permissions import require
from lms.core.web import drawn_once
from lms.courses import operations as course_ops
from lms.courses.models import Course, Module
from lms.extensions import csrf, db
from lms.quizzes import bank, bank_export
from lms.quizzes import operations as ops
from lms.quizzes.forms import AttemptForm, EssayGradeForm, QuestionImportForm
from lms.quizzes.models import QuestionCategory, QuestionFile
from lms.quizzes.results import results_for, review_allowed
from lms.quizzes.types import template_loader as question_type_templates


class QuizzesBlueprint(Blueprint):
    """The quizzes' pages. Their templates are in ``templates/``; each question type's
    template piece is in the type's own folder, found as ``question_types/<type>.html``."""

    @cached_property
    def jinja_loader(self) -> BaseLoader:
        own = FileSystemLoader(os.path.join(self.root_path, self.template_folder))
        return ChoiceLoader([own, question_type_templates()])


bp = QuizzesBlueprint("quizzes", __name__, template_folder="templates")

# Room for the multipart envelope around an uploaded file of the largest accepted size.
UPLOAD_ENVELOPE = 64 * 1024


# --- quiz and attempts -----------------------------------------------------------------

@bp.get("/quizzes/<int:quiz_id>")
@login_required
def quiz_page(quiz_id: int):
    quiz = ops.quiz_by_id(db.session, quiz_id)
    course = db.session.get(Course, quiz.course_id)
    module = db.session.get(Module, quiz.module_id) if quiz.module_id else None
    enrolment = ops.active_enrolment(db.session, current_user, course.id)
    if enrolment is None and not course.can_be_previewed_by(current_user):
        raise NotAllowed(_("Enrol in the course to take its quizzes."))
    result = results_for(db.session, enrolment.id, [quiz])[quiz.id] if enrolment is not None else None
    details = {a.id: review_allowed(quiz, a.state, result) for a in result.attempts} if result else {}
    refusal = ((ops.refusal_to_start(quiz, result, utcnow()) or ops.pretest_refusal(db.session, quiz, enrolment.id))
               if result else None)
    return render_template("quizzes/quiz.html", quiz=quiz, course=course, module=module, enrolment=enrolment,
                           result=result, details=details, refusal=refusal,
                           pool_size=ops.pool_size(db.session, quiz), form=EmptyForm())


@bp.post("/quizzes/<int:quiz_id>/start")
@login_required
def start(quiz_id: int):
    quiz = ops.quiz_by_id(db.session, quiz_id)
    if not EmptyForm().validate_on_submit():
        flash(_("This form has expired. Please try again."), "error")
        return redirect(url_for("quizzes.quiz_page", quiz_id=quiz.id))
    attempt, _new = ops.start_attempt(db.session, current_user, quiz, language=current_language())
    return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id)), 303


@bp.route("/quizzes/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt_page(attempt_id: int):
    attempt, _enrolment = ops.own_attempt(db.session, current_user, attempt_id)
    if not attempt.is_open:
        if request.method == "POST":
            flash(_("This attempt has been submitted; its answers can no longer change."), "error")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id)), 303
    if attempt.is_overdue and request.method != "POST":
        # Shown as over; the review page says it is being submitted (a POST would submit it).
        return redirect(url_for("quizzes.review", attempt_id=attempt.id)), 303
    questions = ops.question_views(db.session, attempt, reveal=False)
    form = AttemptForm([q.position for q in questions])
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("This form has expired. Reload the page; answers saved before are kept."), "error")
            return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id)), 303
        with errors_on(form):
            outcome = ops.save_answers(db.session, current_user, attempt.id,
                                       ops.form_responses(db.session, attempt, request.form))
            if outcome.late:
                flash(ops.late_message(), "error")
                return redirect(url_for("quizzes.review", attempt_id=attempt.id)), 303
            if request.form.get("action") == "finish":
                return redirect(url_for("quizzes.summary", attempt_id=attempt.id)), 303
            flash(_("Your answers have been saved."), "success")
            return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id)), 303
    quiz = ops.quiz_of(db.session, attempt)
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=quiz, questions=questions,
                           form=form), status_of(form)


@bp.get("/quizzes/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    attempt, _enrolment = ops.own_attempt(db.session, current_user, attempt_id)
    if not attempt.is_open or attempt.is_overdue:
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    quiz = ops.quiz_of(db.session, attempt)
    questions = ops.question_views(db.session, attempt, reveal=False)
    return render_template("quizzes/summary.html", attempt=attempt, quiz=quiz, questions=questions,
                           form=EmptyForm())


@bp.post("/quizzes/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    if not EmptyForm().validate_on_submit():
        flash(_("This form has expired. Reload the page; answers saved before are kept."), "error")
        return redirect(url_for("quizzes.summary", attempt_id=attempt_id)), 303
    outcome = ops.submit_attempt(db.session, current_user, attempt_id)
    if outcome.late:
        flash(ops.late_message(), "error")
    elif not outcome.already_submitted:
        flash(_("Your attempt has been submitted."), "success")
    return redirect(url_for("quizzes.review", attempt_id=attempt_id)), 303


@bp.get("/quizzes/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    attempt, enrolment = ops.attempt_for_viewer(db.session, current_user, attempt_id)
    own = enrolment.user_id == current_user.id
    if attempt.is_open and not attempt.is_overdue:
        if own:
            return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id))
        raise Conflict(_("This attempt is still in progress."))
    view = ops.review_attempt(db.session, current_user, attempt_id)
    course = db.session.get(Course, view.quiz.course_id)
    return render_template("quizzes/review.html", view=view, course=course, own=own, form=EmptyForm())


# --- essays ----------------------------------------------------------------------------

@bp.route("/quizzes/answers/<int:answer_id>/grade", methods=["GET", "POST"])
@login_required
def grade_essay(answer_id: int):
    essay = ops.essay_for_grading(db.session, current_user, answer_id)
    form = EssayGradeForm()
    if request.method == "GET":
        form.version.data = str(essay.answer.version)
        if essay.answer.fraction is not None and not essay.answer.needs_grading:
            form.percent.data = round(essay.answer.fraction * 100, 2)
            form.feedback.data = essay.answer.feedback or ""
    elif form.validate_on_submit():
        with errors_on(form):
            ops.grade_essay_answer(db.session, current_user, answer_id, fraction=float(form.percent.data) / 100,
                                   feedback=form.feedback.data or "", expected_version=_int(form.version.data))
            flash(_("The grade has been saved."), "success")
            return redirect(url_for("quizzes.grade_essay", answer_id=answer_id)), 303
        if form.refused == 409:
            # Someone graded in the meantime: show their grade, and take its version from now on.
            essay = ops.essay_for_grading(db.session, current_user, answer_id)
            form.version.data = str(essay.answer.version)
    return render_template("quizzes/grade_essay.html", essay=essay, form=form), status_of(form)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- question bank ---------------------------------------------------------------------

def _may_import(user) -> bool:
    return bank_export.may_export(user)  # whoever may export a bank may import into it


@bp.route("/quizzes/import", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, after the size check: the global hook would read the body first
@login_required
def import_questions():
    require(_may_import(current_user))
    courses = course_ops.catalogue(db.session)
    limit = bank.import_limit_bytes()
    if request.method == "POST" and request.content_length and request.content_length > limit + UPLOAD_ENVELOPE:
        # Refused before the body is read: a huge upload never reaches memory or disk.
        return _import_page(QuestionImportForm(formdata=None), courses, error=bank.too_large(request.content_length)), 413
    request.max_content_length = limit + UPLOAD_ENVELOPE
    try:
        form = QuestionImportForm()
    except RequestEntityTooLarge:
        return _import_page(QuestionImportForm(formdata=None), courses, error=bank.too_large(limit + 1)), 413
    form.course.choices = [("", _("Choose…"))] + [(c.slug, c.title_in()) for c in courses]
    if request.method == "GET" and request.args.get("course"):
        form.course.data = request.args["course"]
    report = None
    if form.validate_on_submit():
        course = next((c for c in courses if c.slug == form.course.data), None)
        if course is None:
            form.course.errors = [_("Choose the course whose question bank receives the questions.")]
            return _import_page(form, courses), 422
        upload = form.file.data
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            return _import_page(form, courses, error=bank.too_large(len(data))), 413
        # All or nothing: a file with an error, or a dry run, writes nothing.
        report = bank.import_questions(db.session, course.id, data, filename=upload.filename or "upload",
                                       fmt=form.format.data or None, category=form.category.data or None,
                                       dry_run=form.dry_run.data)
        return _import_page(form, courses, report=report, course=course), 200 if report.ok else 422
    if request.method == "POST" and form.csrf_token.errors:
        form.form_errors.append(_("This form has expired or did not come from this site. "
                                  "Reload the page and try again."))
    return _import_page(form, courses), 422 if request.method == "POST" else 200


def _import_page(form, courses, *, report=None, course=None, error=None):
    if not form.course.choices:
        form.course.choices = [("", _("Choose…"))] + [(c.slug, c.title_in()) for c in courses]
    return render_template("quizzes/import.html", form=form, report=report, course=course,
                           error=error.message if error else None,
                           limit_mb=current_app.config["LMS_QUESTION_IMPORT_MAX_MB"])


@bp.get("/quizzes/bank/<slug>")
@login_required
def question_bank(slug: str):
    course = course_ops.course_by_slug(db.session, slug)
    require(course.can_be_previewed_by(current_user))
    categories = bank.categories_of(db.session, course.id)
    selected = request.args.get("category", type=int)
    questions = []
    if selected is not None:
        category = db.session.get(QuestionCategory, selected)
        if category is None or category.course_id != course.id:
            abort(404)
        questions = bank.questions_in(db.session, category, current_language())
    return render_template("quizzes/bank.html", course=course, categories=categories, selected=selected,
                           questions=questions, may_import=_may_import(current_user),
                           export_language=current_language() if current_language() in (course.languages or [])
                           else course.default_language,
                           export_languages=[(code, LANGUAGES[code].native_name)
                                             for code in course.languages or [] if code in LANGUAGES])


@bp.get("/quizzes/bank/<slug>/export")
@login_required
def export_bank(slug: str):
    """The bank, or one category of it, as a GIFT or Moodle XML file (staff who manage content)."""
    require(_may_import(current_user))
    course = course_ops.course_by_slug(db.session, slug)
    category = bank_export.category_by_id(db.session, course, _category_arg())
    exported = bank_export.export_bank(db.session, course, request.args.get("format", ""), category=category,
                                       language=request.args.get("language") or None)
    return current_app.response_class(exported.data, mimetype=exported.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "no-store"})


def _category_arg() -> int | None:
    value = request.args.get("category", "")
    if not value:
        return None
    if not value.isdigit():
        raise ValidationFailed({"category": [_("This category is not in the course's question bank.")]})
    return int(value)


@bp.get("/quizzes/files/<sha256>/<path:name>")
@login_required
def question_file(sha256: str, name: str):
    stored = db.session.scalar(select(QuestionFile).where(QuestionFile.sha256 == sha256))
    if stored is None:
        abort(404)
    response = current_app.response_class(stored.data, mimetype=stored.mime)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


# --- the course page -------------------------------------------------------------------

def _course_quizzes(course, enrolment):
    """Quizzes and results for the course page, loaded once per request for all its modules."""
    cache = g.setdefault("lms_course_quizzes", {})
    key = (course.id, enrolment.id if enrolment is not None else None)
    if key not in cache:
        active = enrolment if enrolment is not None and enrolment.is_active else None
        quizzes, results = ops.course_quiz_results(db.session, active, course)
        cache[key] = ({q.module_id: q for q in quizzes if q.module_id is not None},
                      next((q for q in quizzes if q.is_final), None), results, quizzes)
    return cache[key]


def _quiz_box(template: str, course, quiz, result, heading: bool = False) -> Markup:
    """A quiz's box on the course page, drawn once per quiz, content, language and what it shows
    of the reader's standing (the same for every reader who stands there)."""
    standing = None if result is None else (
        result.passed, result.grade, result.best, result.open_attempt is not None, bool(result.awaiting))
    return drawn_once("quizzes.course_box", (template, quiz.id, course.content_hash, current_language(), standing),
                      lambda: render_template(template, quiz=quiz, result=result, heading=heading))


def render_module_quiz(course, module, enrolment=None, **_context) -> Markup:
    by_module, _final, results, _all = _course_quizzes(course, enrolment)
    quiz = by_module.get(module.id)
    if quiz is None:
        return Markup("")
    return _quiz_box("quizzes/_course_quiz.html", course, quiz, results.get(quiz.id))


def render_pretest(course, enrolment=None, **_context) -> Markup:
    """Above the modules: the pre-test, to take before the first of them."""
    quizzes = _course_quizzes(course, enrolment)
    pretest = next((q for q in quizzes[3] if q.is_pretest), None)
    if pretest is None:
        return Markup("")
    return _quiz_box("quizzes/_pretest.html", course, pretest, quizzes[2].get(pretest.id))


def render_final_assessment(course, enrolment=None, **_context) -> Markup:
    _by_module, final, results, _all = _course_quizzes(course, enrolment)
    if final is None:
        return Markup("")
    return _quiz_box("quizzes/_course_quiz.html", course, final, results.get(final.id), heading=True)
