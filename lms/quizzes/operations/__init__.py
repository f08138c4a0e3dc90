"""Quiz rules, one module per use case. Operations flush, never commit: the request, task
or command that calls them commits (``lms.core.unit_of_work``).

    lookups      a quiz, an attempt, an enrolment; another trainee's attempt is not found
    starting     the questions an attempt draws, and starting it
    answering    saving answers as you go, and submitting
    closing      closing an attempt and grading it on submit, by its trainee or its deadline
    answer_rows  reading and writing an attempt's answers in bulk
    essays       the essays tutors grade: their grading-queue items, a grade with a version
    reviewing    an attempt's questions as shown, and its review

Deadlines are the server's alone: an answer that arrives after an attempt's deadline is
refused, and an attempt found open past its deadline is submitted with what was saved.
Submitting is idempotent: one conditional UPDATE of the attempt row moves it out of
``in_progress``; the database lets exactly one transaction win it, and every other submit
of the same attempt gets the result the winner wrote.

The names below are the operations other modules use (``operations.start_attempt``).
"""

from lms.quizzes.operations.answering import (
    Outcome,
    clean_responses,
    form_responses,
    late_message,
    save_answers,
    submit_attempt,
)
from lms.quizzes.operations.closing import (
    QUIZ_GRADED,
    QUIZ_SUBMITTED,
    close_all_overdue,
    close_overdue,
    finish_attempt,
)
from lms.quizzes.operations.essays import (
    EssayForGrading,
    EssayItem,
    essay_for_grading,
    essay_queue_describe,
    essay_queue_items,
    grade_essay_answer,
    grade_payload,
)
from lms.quizzes.operations.lookups import (
    active_enrolment,
    attempt_for_viewer,
    attempts_of,
    course_quiz_results,
    own_attempt,
    quiz_by_id,
    quiz_of,
    trainee_enrolment,
)
from lms.quizzes.operations.reviewing import (
    AttemptReview,
    QuestionView,
    question_views,
    review_attempt,
)
from lms.quizzes.operations.starting import (
    attempt_language,
    choose_questions,
    pool_size,
    pretest_refusal,
    refusal_to_start,
    start_attempt,
)

__all__ = [
    "QUIZ_GRADED", "QUIZ_SUBMITTED", "AttemptReview", "EssayForGrading", "EssayItem", "Outcome", "QuestionView",
    "active_enrolment", "attempt_for_viewer", "attempt_language", "attempts_of", "choose_questions",
    "clean_responses", "close_all_overdue", "close_overdue", "course_quiz_results", "essay_for_grading",
    "essay_queue_describe", "essay_queue_items", "finish_attempt", "form_responses", "grade_essay_answer",
    "grade_payload", "late_message", "own_attempt", "pool_size", "question_views", "quiz_by_id", "quiz_of",
    "pretest_refusal", "refusal_to_start", "review_attempt", "save_answers", "start_attempt", "submit_attempt", "trainee_enrolment",
]
