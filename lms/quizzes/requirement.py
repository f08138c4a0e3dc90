"""The "quiz" completion requirement: a module's quiz (ref = module slug) or the final assessment
(ref = "final") passed, by the quiz's grading method and pass mark."""

from __future__ import annotations

from flask import g, has_request_context, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.core.i18n import _
from lms.courses.completion import RequirementKind
from lms.courses.models import CompletionRequirement, Enrolment
from lms.quizzes.content import REQUIREMENT_KIND
from lms.quizzes.models import FINAL_KEY, Quiz
from lms.quizzes.results import results_for

REQUEST_QUIZZES = "lms_requirement_quizzes"


def _quizzes(session: Session, requirements: list[CompletionRequirement]) -> dict[str, Quiz]:
    """The requirements' quizzes by key. A page asks three times (met, label, link): on a GET,
    which writes nothing, they are read once per request; anything else reads them anew."""
    if not requirements:
        return {}
    course_id, refs = requirements[0].course_id, tuple(r.ref for r in requirements)
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return _load_quizzes(session, course_id, refs)
    kept = g.setdefault(REQUEST_QUIZZES, {})
    if (course_id, refs) not in kept:
        kept[course_id, refs] = _load_quizzes(session, course_id, refs)
    return kept[course_id, refs]


def _load_quizzes(session: Session, course_id: int, refs: tuple[str, ...]) -> dict[str, Quiz]:
    return {quiz.key: quiz for quiz in session.scalars(select(Quiz).where(
        Quiz.course_id == course_id, Quiz.key.in_(refs), Quiz.is_retired.is_(False)))}


def quizzes_met(session: Session, enrolment: Enrolment, requirements: list[CompletionRequirement]) -> set[int]:
    quizzes = _quizzes(session, requirements)
    results = results_for(session, enrolment.id, list(quizzes.values()))
    return {r.id for r in requirements if r.ref in quizzes and results[quizzes[r.ref].id].passed}


def quiz_labels(session: Session, requirements: list[CompletionRequirement], language: str | None) -> dict[int, str]:
    quizzes = _quizzes(session, requirements)
    labels = {}
    for requirement in requirements:
        quiz = quizzes.get(requirement.ref)
        if quiz is None:
            labels[requirement.id] = _("Pass the quiz")
        elif requirement.ref == FINAL_KEY:
            labels[requirement.id] = _("Pass the final assessment: {title}").format(title=quiz.title_in(language))
        else:
            labels[requirement.id] = _("Pass the quiz: {title}").format(title=quiz.title_in(language))
    return labels


def quiz_links(session: Session, requirements: list[CompletionRequirement]) -> dict[int, str]:
    if not has_request_context():
        return {}
    quizzes = _quizzes(session, requirements)
    return {r.id: url_for("quizzes.quiz_page", quiz_id=quizzes[r.ref].id) for r in requirements if r.ref in quizzes}


def quiz_modules(session: Session, requirements: list[CompletionRequirement]) -> dict[int, str]:
    """A module's quiz belongs to its module (ref = module slug); the final to none."""
    return {r.id: r.ref for r in requirements if r.ref != FINAL_KEY}


QUIZ_KIND = RequirementKind(REQUIREMENT_KIND, quizzes_met, quiz_labels, quiz_links, quiz_modules)
