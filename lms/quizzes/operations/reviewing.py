"""Showing an attempt: its questions as the trainee answers them, and its review, with
right answers and feedback only when the quiz's review setting allows (staff always)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.core.errors import Conflict
from lms.core.i18n import _, localized
from lms.quizzes.models import AttemptAnswer, Question, Quiz, QuizAttempt
from lms.quizzes.operations.lookups import attempt_for_viewer
from lms.quizzes.results import QuizResult, results_for, review_allowed
from lms.quizzes.types import QUESTION_TYPES, QuestionType


@dataclass
class QuestionView:
    """One question of an attempt as shown; ``review`` is filled only when review is allowed."""

    answer_id: int
    position: int
    qtype: str
    type_label: str
    text: str
    mark: float
    public: dict
    response: dict | None
    needs_grading: bool = False
    review: dict | None = None
    fraction: float | None = None
    feedback: list | None = None
    general_feedback: str = ""
    tutor_feedback: str | None = None

    @property
    def kind(self) -> QuestionType:
        return QUESTION_TYPES[self.qtype]

    @property
    def template(self) -> str:
        """The question type's template piece, which draws its inputs and its review."""
        return self.kind.template

    @property
    def response_shape(self) -> str:
        return self.kind.response_shape

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def gradable(self) -> bool:
        return self.kind.gradable

    @property
    def marks(self) -> float | None:
        return None if self.fraction is None else round(self.fraction * self.mark, 2)


def question_views(session: Session, attempt: QuizAttempt, *, reveal: bool) -> list[QuestionView]:
    """The attempt's questions in the attempt's language; answers and feedback only when ``reveal``."""
    rows = session.execute(select(AttemptAnswer, Question)
                           .join(Question, Question.id == AttemptAnswer.question_id)
                           .where(AttemptAnswer.attempt_id == attempt.id).order_by(AttemptAnswer.position)).all()
    language = attempt.language
    views = []
    for answer, question in rows:
        kind = QUESTION_TYPES[question.qtype]
        view = QuestionView(
            answer_id=answer.id, position=answer.position, qtype=question.qtype, type_label=str(kind.label),
            text=question.text_in(language), mark=answer.mark,
            public=kind.public(question.definition, language, answer.answer_order), response=answer.response,
            needs_grading=answer.needs_grading)
        if reveal:
            view.review = kind.review(question.definition, language, answer.response, answer.answer_order)
            view.fraction = answer.fraction
            view.feedback = kind.grade(question.definition, answer.response, language).feedback \
                if answer.response is not None and kind.auto_graded else []
            view.general_feedback = localized(question.general_feedback, language)
            view.tutor_feedback = answer.feedback
        views.append(view)
    return views


@dataclass
class AttemptReview:
    attempt: QuizAttempt
    quiz: Quiz
    result: QuizResult
    details: bool                 # per-question marks, feedback and right answers may be shown
    questions: list[QuestionView]

    @property
    def closing(self) -> bool:
        """Over by its deadline but not submitted yet: the saved answers are shown, ungraded."""
        return self.attempt.is_overdue


def review_attempt(session: Session, user: User, attempt_id: int) -> AttemptReview:
    """A closed attempt as its trainee (or their tutor, or staff) may see it now.

    An attempt open past its deadline is shown as it will be submitted (its saved answers,
    no score yet); one still open is refused."""
    attempt, enrolment = attempt_for_viewer(session, user, attempt_id)
    quiz = session.get(Quiz, attempt.quiz_id)
    result = results_for(session, enrolment.id, [quiz])[quiz.id]
    if attempt.is_open and not attempt.is_overdue:
        raise Conflict(_("This attempt is still in progress: submit it to see your result."))
    staff = user.id != enrolment.user_id
    details = not attempt.is_open and (staff or review_allowed(quiz, attempt.state, result))
    return AttemptReview(attempt, quiz, result, details, question_views(session, attempt, reveal=details))
