"""The "quiz" completion requirement: a module's quiz (ref = module slug) or the final assessment
(ref = "final") passed, by the quiz's grading method and pass mark."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy.orm import Session

from lms.core.i18n import _
from lms.courses.completion import Requirement, RequirementKind
from lms.courses.models import Enrolment
from lms.quizzes.content import REQUIREMENT_KIND
from lms.quizzes.models import FINAL_KEY
from lms.quizzes.results import QuizFacts, quiz_facts_of_course, results_for


def _quizzes(session: Session, requirements: list[Requirement]) -> dict[str, QuizFacts]:
    """The requirements' quizzes by key, of the course's quizzes (kept per content: a page asks
    three times, for met, label and link, and its quiz boxes ask too)."""
    if not requirements:
        return {}
    refs = {r.ref for r in requirements}
    return {quiz.key: quiz for quiz in quiz_facts_of_course(session, requirements[0].course_id)
            if quiz.key in refs}


def quizzes_met(session: Session, enrolment: Enrolment, requirements: list[Requirement]) -> set[int]:
    quizzes = _quizzes(session, requirements)
    results = results_for(session, enrolment.id, list(quizzes.values()))
    return {r.id for r in requirements if r.ref in quizzes and results[quizzes[r.ref].id].passed}


def quiz_labels(session: Session, requirements: list[Requirement], language: str | None) -> dict[int, str]:
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


def quiz_links(session: Session, requirements: list[Requirement]) -> dict[int, str]:
    if not has_request_context():
        return {}
    quizzes = _quizzes(session, requirements)
    return {r.id: url_for("quizzes.quiz_page", quiz_id=quizzes[r.ref].id) for r in requirements if r.ref in quizzes}


def quiz_modules(session: Session, requirements: list[Requirement]) -> dict[int, str]:
    """A module's quiz belongs to its module (ref = module slug); the final to none."""
    return {r.id: r.ref for r in requirements if r.ref != FINAL_KEY}


QUIZ_KIND = RequirementKind(REQUIREMENT_KIND, quizzes_met, quiz_labels, quiz_links, quiz_modules)
