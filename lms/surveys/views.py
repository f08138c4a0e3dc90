"""Evaluation pages: the trainee's form, the results for managers and tutors, their downloads,
and the prompt on the dashboard and the course page."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Row, bindparam, select

from lms.accounts.operations import nothing_to_show
from lms.core.errors import NotAllowed, NotFound
from lms.core.forms import errors_on, status_of
from lms.core.i18n import _
from lms.core.models import utcnow
from lms.courses.models import Course, Enrolment
from lms.extensions import db
from lms.reports.exports import FORMATS
from lms.reports.exports import response as download
from lms.reports.filters import may_view_reports
from lms.reports.schemas import load, read
from lms.surveys import operations as ops
from lms.surveys.exports import results_export
from lms.surveys.forms import answers_of, survey_form
from lms.surveys.models import Survey, SurveyParticipation
from lms.surveys.schemas import ResultsArgsSchema, results_choices

bp = Blueprint("surveys", __name__, template_folder="templates")


def _course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound()
    return course


@bp.route("/courses/<slug>/evaluation", methods=["GET", "POST"])
@login_required
def survey(slug: str):
    course = _course(slug)
    state = ops.survey_state(db.session, current_user, course)
    form = survey_form(state.survey, request.form if request.method == "POST" else None)
    if state.status == ops.OPEN and form.validate_on_submit():
        with errors_on(form):
            ops.submit_response(db.session, current_user, course, answers_of(form, state.survey))
            flash(_("Thank you: your answers have been recorded anonymously."), "success")
            return redirect(url_for("courses.course", slug=course.slug))
    return render_template("surveys/survey.html", course=course, state=state, form=form), status_of(form)


@bp.get("/evaluations")
@login_required
def index():
    if not ops.may_view_results(current_user):
        raise NotAllowed()
    courses = list(db.session.scalars(select(Course).join(Survey, Survey.course_id == Course.id).order_by(Course.slug)))
    return render_template("surveys/index.html", courses=courses)


@bp.get("/courses/<slug>/evaluation/results")
@login_required
def results(slug: str):
    course = _course(slug)
    if not ops.may_view_results(current_user):
        raise NotAllowed()
    asked, errors = read(ResultsArgsSchema(), request.args)
    # A tutor first chooses one of their groups: the page offers them, with no results yet.
    choosing = asked is not None and not may_view_reports(current_user) and asked.filters.key("cohort") is None
    found = None
    if asked is not None and not choosing:
        found = ops.survey_results(db.session, current_user, course, asked.filters, asked.by)
    return render_template("surveys/results.html", course=course, results=found, errors=errors, asked=asked,
                           choices=results_choices(db.session, current_user), formats=FORMATS,
                           choosing=choosing), 422 if errors else 200


@bp.get("/courses/<slug>/evaluation/results.<fmt>")
@login_required
def export(slug: str, fmt: str):
    course = _course(slug)
    if fmt not in FORMATS:
        raise NotFound(_("Choose CSV or XLSX."))
    asked = load(ResultsArgsSchema(), request.args)
    found = ops.survey_results(db.session, current_user, course, asked.filters, asked.by)
    return download(results_export(db.session, current_user, found, now=utcnow()), fmt)


def _unanswered_by(statement, user_id):
    """Surveys the person with this id (a column or a parameter) has not answered."""
    return statement.where(Survey.course_id.not_in(
        select(SurveyParticipation.course_id).where(SurveyParticipation.user_id == user_id)
        .correlate_except(SurveyParticipation)))   # to the person's id however deep it sits


# Asked on the dashboard and course page where the session check found a prompt to show
# (PROMPTED): built once, run on the connection, only what the prompt shows.
_UNANSWERED = _unanswered_by(select(Survey.course_id, Survey.required_for_certificate), bindparam("user_id"))
PROMPTED = "surveys_prompted"


def prompted(user_id):
    """Whether the person with this id (a column) has a course completed and its survey not
    answered, the prompt's case: asked with the session check (``SESSION_FACTS``)."""
    return _unanswered_by(select(Survey.id), user_id).where(Survey.course_id.in_(
        select(Enrolment.course_id).where(Enrolment.user_id == user_id, Enrolment.completed_at.is_not(None))
        .correlate_except(Enrolment))).exists()


def _pending() -> dict[int, Row]:
    """The surveys the signed-in trainee has not answered, by course: one query a page, asked at
    the first enrolment shown (completed or not), unless the session check found none to prompt."""
    if "survey_prompts" not in g:
        g.survey_prompts = {} if nothing_to_show(current_user, PROMPTED) else {
            row.course_id: row for row in db.session.connection().execute(_UNANSWERED, {"user_id": current_user.id})}
    return g.survey_prompts


def prompt_slot(enrolment=None, **_context) -> str:
    """Dashboard card and course page: a completer's invitation to evaluate the course."""
    if enrolment is None or not current_user.is_authenticated or enrolment.user_id != current_user.id:
        return ""
    survey = _pending().get(enrolment.course_id)
    if survey is None or not enrolment.is_completed:
        return ""
    return render_template("surveys/_prompt.html", survey=survey, course=enrolment.course)
