"""JSON API for quizzes: start an attempt, save answers, submit, my attempts and their review,
grading an essay answer, and a question bank's export for Moodle. The same operations as the pages."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from marshmallow import RAISE

from lms.core.api import AUTH_RESPONSES, api_blueprint, authenticated
from lms.core.errors import GENERAL, json_error
from lms.core.i18n import current_language, localized
from lms.core.permissions import require
from lms.courses import operations as course_ops
from lms.courses.models import Course, Module
from lms.extensions import db
from lms.quizzes import bank_export
from lms.quizzes import operations as ops
from lms.quizzes.results import QuizResult, results_for, review_allowed
from lms.quizzes.schemas import (
    AttemptAnswersInSchema,
    AttemptAnswersSavedSchema,
    AttemptReviewSchema,
    AttemptSchema,
    AttemptSubmitInSchema,
    AttemptSummarySchema,
    BankExportQuerySchema,
    EssayAnswerSchema,
    EssayGradeInSchema,
    QuizSchema,
)

blp = api_blueprint("quizzes_api", __name__, "Quizzes, attempts, reviews and essay grading.")

LATE = {403: "The deadline has passed: the answers sent were refused and the attempt was submitted "
              "with the answers saved before."}


def _late_answer():
    """403 for answers that came after the deadline. A response, not a raised error: the
    attempt this request closed with its saved answers must be committed."""
    return json_error(403, {GENERAL: [ops.late_message()]})


def _quiz_body(quiz, result: QuizResult | None) -> dict:
    course = db.session.get(Course, quiz.course_id)
    module = db.session.get(Module, quiz.module_id) if quiz.module_id else None
    mine = None
    if result is not None:
        mine = {"attempts_used": result.used, "attempts_left": result.attempts_left, "grade": result.grade,
                "passed": result.passed,
                "open_attempt_id": result.open_attempt.id if result.open_attempt else None}
    return {"id": quiz.id, "course": course.slug, "module": module.slug if module else None,
            "is_final": quiz.is_final, "is_pretest": quiz.is_pretest,
            "title": quiz.title, "pass_mark": quiz.pass_mark,
            "attempts_allowed": quiz.attempts_allowed, "time_limit_minutes": quiz.time_limit_minutes,
            "grading_method": quiz.grading_method, "review": quiz.review, "opens_at": quiz.opens_at,
            "closes_at": quiz.closes_at, "mine": mine}


def _summary_body(attempt, quiz, result: QuizResult | None) -> dict:
    return {"id": attempt.id, "quiz_id": attempt.quiz_id, "number": attempt.number, "state": attempt.state,
            "language": attempt.language, "started_at": attempt.started_at, "deadline_at": attempt.deadline_at,
            "submitted_at": attempt.submitted_at, "graded_at": attempt.graded_at,
            "closed_by_deadline": attempt.closed_by_deadline, "overdue": attempt.is_overdue,
            "score": attempt.score if attempt.is_graded else None,
            "passed": attempt.passed if attempt.is_graded else None,
            "review_details": review_allowed(quiz, attempt.state, result)}


def _attempt_body(attempt) -> dict:
    quiz = ops.quiz_of(db.session, attempt)
    body = _summary_body(attempt, quiz, None)
    body["seconds_left"] = attempt.seconds_left
    questions = []
    for view in ops.question_views(db.session, attempt, reveal=False):
        questions.append({"position": view.position, "type": view.qtype, "text": view.text, "mark": view.mark,
                          "response": view.response, **view.kind.api.view(view.public)})
    body["questions"] = questions
    return body


def _responses(data) -> dict:
    return {item["position"]: item["response"] for item in (data.get("answers") or [])}


@blp.get("/courses/<slug>/quizzes")
@authenticated
@blp.response(200, QuizSchema(many=True))
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(404, description="No such course.")
def course_quizzes(slug: str):
    """A course's quizzes, with the signed-in trainee's standing in each."""
    course = course_ops.course_by_slug(db.session, slug)
    enrolment = ops.active_enrolment(db.session, current_user, course.id)
    quizzes, results = ops.course_quiz_results(db.session, enrolment, course, whole=True)
    return [_quiz_body(quiz, results.get(quiz.id)) for quiz in quizzes]


@blp.get("/quizzes/<int:quiz_id>")
@authenticated
@blp.response(200, QuizSchema)
@blp.alt_response(404, description="No such quiz.")
def quiz_detail(quiz_id: int):
    """A quiz's settings and the signed-in trainee's standing."""
    quiz = ops.quiz_by_id(db.session, quiz_id)
    enrolment = ops.active_enrolment(db.session, current_user, quiz.course_id)
    result = results_for(db.session, enrolment.id, [quiz])[quiz.id] if enrolment is not None else None
    return _quiz_body(quiz, result)


@blp.post("/quizzes/<int:quiz_id>/attempts")
@authenticated
@blp.response(201, AttemptSchema)
@blp.alt_response(200, schema=AttemptSchema, description="An attempt was already open: that one.")
@blp.alt_response(403, description="Not enrolled, no attempts left, or the quiz is not open.")
@blp.alt_response(404, description="No such quiz.")
def start_attempt(quiz_id: int):
    """Start an attempt (or continue the open one). Questions come without their answers."""
    quiz = ops.quiz_by_id(db.session, quiz_id)
    attempt, new = ops.start_attempt(db.session, current_user, quiz, language=current_language())
    return _attempt_body(attempt), 201 if new else 200


@blp.get("/quizzes/<int:quiz_id>/attempts")
@authenticated
@blp.response(200, AttemptSummarySchema(many=True))
@blp.alt_response(404, description="No such quiz.")
def my_attempts(quiz_id: int):
    """The signed-in trainee's attempts at a quiz."""
    quiz = ops.quiz_by_id(db.session, quiz_id)
    enrolment = ops.active_enrolment(db.session, current_user, quiz.course_id)
    if enrolment is None:
        return []
    result = results_for(db.session, enrolment.id, [quiz])[quiz.id]
    attempts = {a.id: a for a in ops.attempts_of(db.session, enrolment.id, quiz.id)}
    return [_summary_body(attempts[a.id], quiz, result) for a in result.attempts]


@blp.get("/attempts/<int:attempt_id>")
@authenticated
@blp.response(200, AttemptSchema)
@blp.alt_response(404, description="No such attempt, or not yours.")
def attempt_detail(attempt_id: int):
    """One of your attempts with its questions (never their answers) and what you saved.

    Past its deadline it is `overdue`: it accepts no answer and is being submitted with what
    was saved (within a minute, or by the next save or submit)."""
    attempt, _enrolment = ops.own_attempt(db.session, current_user, attempt_id)
    return _attempt_body(attempt)


@blp.put("/attempts/<int:attempt_id>/answers")
@authenticated
@blp.arguments(AttemptAnswersInSchema)
@blp.response(200, AttemptAnswersSavedSchema)
@blp.alt_response(403, description=LATE[403])
@blp.alt_response(404, description="No such attempt, or not yours.")
@blp.alt_response(409, description="The attempt has been submitted.")
@blp.alt_response(422, description="An answer is not valid for its question (errors by `answers.<position>`).")
def save_answers(data, attempt_id: int):
    """Save answers as you go; only the questions sent change. Refused after the deadline."""
    outcome = ops.save_answers(db.session, current_user, attempt_id, _responses(data))
    if outcome.late:
        return _late_answer()
    attempt = outcome.attempt
    return {"attempt_id": attempt.id, "state": attempt.state, "saved_at": attempt.last_saved_at,
            "deadline_at": attempt.deadline_at, "seconds_left": attempt.seconds_left}


@blp.post("/attempts/<int:attempt_id>/submit")
@authenticated
@blp.arguments(AttemptSubmitInSchema)
@blp.response(200, AttemptSummarySchema)
@blp.alt_response(403, description=LATE[403])
@blp.alt_response(404, description="No such attempt, or not yours.")
@blp.alt_response(422, description="An answer is not valid for its question.")
def submit_attempt(data, attempt_id: int):
    """Submit an attempt for grading. Idempotent: submitting again returns the same result."""
    outcome = ops.submit_attempt(db.session, current_user, attempt_id, _responses(data) or None)
    if outcome.late:
        return _late_answer()
    attempt = outcome.attempt
    quiz = ops.quiz_of(db.session, attempt)
    result = results_for(db.session, attempt.enrolment_id, [quiz])[quiz.id]
    return _summary_body(attempt, quiz, result)


@blp.get("/attempts/<int:attempt_id>/review")
@authenticated
@blp.response(200, AttemptReviewSchema)
@blp.alt_response(404, description="No such attempt, or not yours to see.")
@blp.alt_response(409, description="The attempt is still in progress.")
def review_attempt(attempt_id: int):
    """Score and pass/fail of a closed attempt; per-question marks, feedback and right answers
    only when the quiz's review setting allows them."""
    view = ops.review_attempt(db.session, current_user, attempt_id)
    questions = []
    for q in view.questions:
        item = {"position": q.position, "type": q.qtype, "text": q.text, "mark": q.mark, "response": q.response,
                "needs_grading": q.needs_grading}
        if view.details:
            item.update(marks=q.marks, feedback=q.feedback or [], general_feedback=q.general_feedback,
                        tutor_feedback=q.tutor_feedback, correct=q.review or {})
        questions.append(item)
    return {"attempt": _summary_body(view.attempt, view.quiz, view.result), "quiz_grade": view.result.grade,
            "quiz_passed": view.result.passed, "details": view.details, "questions": questions}


def _essay_body(essay) -> dict:
    answer = essay.answer
    return {"id": answer.id, "attempt_id": essay.attempt.id, "trainee": essay.trainee.full_name,
            "quiz": essay.quiz.title_in(), "question": essay.question.text_in(essay.attempt.language),
            "grader_info": localized(essay.question.definition.get("grader_info") or {}, essay.attempt.language),
            "response": (answer.response or {}).get("text", ""), "mark": answer.mark, "fraction": answer.fraction,
            "feedback": answer.feedback or "", "graded_by": essay.graded_by.full_name if essay.graded_by else None,
            "graded_at": answer.graded_at, "needs_grading": answer.needs_grading, "version": answer.version}


@blp.get("/essay-answers/<int:answer_id>")
@authenticated
@blp.response(200, EssayAnswerSchema)
@blp.alt_response(403, description="Not a grader of this trainee.")
@blp.alt_response(404, description="No such essay answer.")
def essay_answer(answer_id: int):
    """An essay answer for its grader: the question, the response, the current grade and version."""
    return _essay_body(ops.essay_for_grading(db.session, current_user, answer_id))


@blp.put("/essay-answers/<int:answer_id>/grade")
@authenticated
@blp.arguments(EssayGradeInSchema)
@blp.response(200, EssayAnswerSchema)
@blp.alt_response(403, description="Not a grader of this trainee.")
@blp.alt_response(404, description="No such essay answer.")
@blp.alt_response(409, description="Graded by someone else since `expected_version`: `current` holds their grade.")
@blp.alt_response(422, description="The grade or feedback is not valid.")
def grade_essay(data, answer_id: int):
    """Grade one essay answer; the attempt's score becomes final when its last essay is graded."""
    ops.grade_essay_answer(db.session, current_user, answer_id, fraction=data["fraction"],
                           feedback=data["feedback"], expected_version=data["expected_version"])
    return _essay_body(ops.essay_for_grading(db.session, current_user, answer_id))


@blp.get("/courses/<slug>/question-bank/export")
@authenticated
@blp.arguments(BankExportQuerySchema, location="query", unknown=RAISE)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/xml",
              description="The file, as an attachment: Moodle XML (application/xml) or GIFT (text/plain), "
                          "for Moodle's question import.")
@blp.alt_response(401, description=AUTH_RESPONSES[401])
@blp.alt_response(403, description="Only managers and administrators export question banks.")
@blp.alt_response(404, description="No such course.")
@blp.alt_response(422, description="An unknown format, language or category; `errors` says which.")
def export_question_bank(args, slug: str):
    """Export a course's question bank, or one category with its subcategories, as Moodle XML or GIFT."""
    require(bank_export.may_export(current_user))
    course = course_ops.course_by_slug(db.session, slug)
    exported = bank_export.export_bank(db.session, course, args["format"], language=args.get("language"),
                                       category=bank_export.category_by_id(db.session, course, args.get("category")))
    return current_app.response_class(exported.data, mimetype=exported.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "no-store"})
