"""Question types as classes, each knowing how to check, show and grade itself.

A type builds the stored *definition* of a question from its parsed languages, shows
the question to a trainee without giving the answer away (``public``), cleans what the
trainee sends (``clean``), grades it (``grade``) and, once review is allowed, explains
the result with the right answers and their feedback (``review``). Definitions keep
every text as a ``{language: text}`` map so one question serves every translation.
"""

from __future__ import annotations

from lms.quizzes.parsed import ParsedQuestion, SourceProblem
from lms.quizzes.types.base import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERICAL,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    Grade,
    QuestionType,
)
from lms.quizzes.types.choice import MultipleResponse, SingleChoice, TrueFalse
from lms.quizzes.types.essay import Description, Essay
from lms.quizzes.types.matching import Matching
from lms.quizzes.types.text import (
    Numerical,
    ShortAnswer,
    describe_range,
    parse_number,
    short_answer_matches,
)

QUESTION_TYPES: dict[str, QuestionType] = {t.name: t for t in (
    SingleChoice(), MultipleResponse(), TrueFalse(), ShortAnswer(), Numerical(), Matching(),
    Essay(), Description())}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]


def validate_question(q: ParsedQuestion) -> list[SourceProblem]:
    return QUESTION_TYPES[q.qtype].validate(q)


__all__ = [
    "DESCRIPTION", "ESSAY", "MATCHING", "MULTIPLE_RESPONSE", "NUMERICAL", "QUESTION_TYPES", "SHORT_ANSWER",
    "SINGLE_CHOICE", "TRUE_FALSE", "Grade", "QuestionType", "describe_range", "parse_number",
    "question_type", "short_answer_matches", "validate_question",
]
