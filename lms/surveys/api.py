"""JSON API of the evaluation: a course's survey and the trainee's standing, answering, results."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import NotAllowed, NotFound
from lms.core.i18n import localized
from lms.courses.models import Course
from lms.extensions import db
from lms.surveys import operations as ops
from lms.surveys.models import LIKERT, SCALE_POINTS
from lms.surveys.operations.results import ALL_RESPONSES, Figures, SurveyResults
from lms.surveys.schemas import AnswersSchema, ResultsArgsSchema, ResultsSchema, SurveySchema

blp = api_blueprint("surveys_api", __name__, "Course evaluation: the survey, anonymous answers, results.")


def _course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound()
    return course


def survey_document(course: Course, state: ops.SurveyState) -> dict:
    survey = state.survey

    def options(item: dict) -> list[dict]:
        if item["kind"] == LIKERT:
            return [{"slug": str(p), "label": localized(survey.scale[p - 1])} for p in range(1, SCALE_POINTS + 1)]
        return [{"slug": o["slug"], "label": localized(o["label"])} for o in item["options"]]

    return {"course": course.slug, "title": survey.title_in(), "intro": localized(survey.intro),
            "status": state.status, "required_for_certificate": state.required,
            "certificate_waits": state.certificate_waits,
            "items": [{"slug": i["slug"], "kind": i["kind"], "required": i["required"], "text": localized(i["text"]),
                       "options": options(i)} for i in survey.items]}


def _figures(group, label: str, figures: Figures) -> dict:
    return {"group": None if group is None else str(group), "label": label, "answers": figures.answers,
            "suppressed": figures.suppressed, "counts": {} if figures.suppressed else figures.counts,
            "mean": figures.mean, "texts": figures.texts}


def results_document(results: SurveyResults) -> dict:
    return {
        "course": results.course.slug, "by": results.by, "min_group": results.threshold,
        "responses": results.responses_total,
        "groups": [{"group": m.code, "label": m.label, "responses": results.responses.get(m.key)}
                   for m in results.groups],
        "items": [{"slug": r.item["slug"], "kind": r.kind, "text": localized(r.item["text"]),
                   "groups": [_figures(m.code, m.label, r.rows[m.key]) for m in results.groups],
                   "total": _figures(None, str(ALL_RESPONSES), r.total)} for r in results.items],
    }


@blp.get("/courses/<slug>/survey")
@authenticated
@blp.response(200, SurveySchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="No such course, or it has no evaluation.")
def get_survey(slug: str):
    """The course's evaluation in your language, and whether you may answer it (after completing the course)."""
    course = _course(slug)
    return survey_document(course, ops.survey_state(db.session, current_user, course))


@blp.post("/courses/<slug>/survey/responses")
@authenticated
@blp.arguments(AnswersSchema)
@blp.response(201, SurveySchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="The course is not completed yet.")
@blp.alt_response(404, description="No such course, or it has no evaluation.")
@blp.alt_response(409, description="You have already answered.")
@blp.alt_response(422, description="An answer is missing or wrong; `errors` names each item.")
def answer_survey(args, slug: str):
    """Answer the evaluation, once, anonymously: the answers are stored without a link to you."""
    course = _course(slug)
    state = ops.submit_response(db.session, current_user, course, args["answers"])
    return survey_document(course, state), 201


@blp.get("/courses/<slug>/survey/results")
@authenticated
@blp.arguments(ResultsArgsSchema, location="query")
@blp.response(200, ResultsSchema)
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="Not a manager or tutor; a beneficiary outside your scope; a group not "
                                   "yet ended (tutors).")
@blp.alt_response(404, description="No such course or evaluation, or a group you do not tutor.")
@blp.alt_response(422, description="A filter names nothing, or is malformed.")
def survey_results(args, slug: str):
    """Results: per item the distribution and mean, by a dimension; small groups suppressed."""
    course = _course(slug)
    if not ops.may_view_results(current_user):
        raise NotAllowed()
    return results_document(ops.survey_results(db.session, current_user, course, args.filters, args.by))
