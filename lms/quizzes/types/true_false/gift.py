"""True/false in GIFT: ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}``, then ``#feedback if wrong#feedback if right``."""

from __future__ import annotations

from lms.quizzes.gift_syntax import AnswerBlock
from lms.quizzes.parsed import ParsedQuestion
from lms.quizzes.types.base import GiftMapping

_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def claims(body: str) -> bool:
    return body.split("#", 1)[0].strip().upper() in _TF


def read(question: ParsedQuestion, answers: AnswerBlock) -> bool:
    parts = answers.body.split("#", 2)
    question.options["correct"] = _TF[parts[0].strip().upper()]
    wrong = answers.html(parts[1]) if len(parts) > 1 else ""
    right = answers.html(parts[2]) if len(parts) > 2 else ""
    # GIFT gives the feedback for a wrong answer first, then for a right one.
    if question.options["correct"]:
        question.options.update(feedback_true=right, feedback_false=wrong)
    else:
        question.options.update(feedback_true=wrong, feedback_false=right)
    return True


GIFT = GiftMapping(priority=50, claims=claims, read=read)
