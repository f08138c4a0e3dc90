"""A course's quizzes on the learning path: the pre-test first, each module's quiz after its lessons,
the final assessment last."""

from __future__ import annotations

from flask import has_request_context
from sqlalchemy.orm import Session

from lms.core.web import fixed_url
from lms.courses.models import Course, Enrolment
from lms.courses.operations import Step
from lms.quizzes.results import quiz_facts_of_content, results_for

QUIZ_STEP = "quiz"


def quiz_steps(session: Session, course: Course, enrolment: Enrolment | None) -> list[Step]:
    """Passed is done; awaiting a tutor, or every attempt used, leaves the trainee nothing to do."""
    active = enrolment if enrolment is not None and enrolment.is_active else None
    quizzes = quiz_facts_of_content(session, course)
    results = results_for(session, active.id, quizzes) if active is not None else {}
    links = has_request_context()
    final = next((quiz for quiz in quizzes if quiz.is_final), None)
    final_begun = bool(final is not None and results.get(final.id) and results[final.id].used)
    steps = []
    for quiz in quizzes:
        result = results.get(quiz.id)
        done = bool(result and result.passed)
        waiting = bool(result and not done and not result.open_attempt and (result.awaiting or result.finished_all))
        if quiz.is_pretest:
            # Taken is done, whatever the score; once the final assessment is begun it is too late.
            done = bool(result and result.used and not result.open_attempt)
            waiting = waiting or (not done and final_begun and not (result and result.open_attempt))
        steps.append(Step(QUIZ_STEP, quiz.id, quiz.module_id, quiz.title,
                          fixed_url("quizzes.quiz_page", quiz_id=quiz.id) if links else None,
                          done=done, waiting=waiting, position=1, first=quiz.is_pretest))
    return steps
