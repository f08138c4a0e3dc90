"""True/false in GIFT: ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}``, then ``#feedback if wrong#feedback if right``."""

from __future__ import annotations

from lms.core.i18n import localized
from lms.quizzes.gift_syntax import AnswerBlock, escape
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


def write(definition: dict, language: str) -> str:
    """``TRUE#feedback if wrong#feedback if right``, the feedback left out when there is none."""
    correct = definition["correct"]
    right = localized(definition["feedback"]["true" if correct else "false"], language)
    wrong = localized(definition["feedback"]["false" if correct else "true"], language)
    feedback = f"#{escape(wrong)}#{escape(right)}" if right or wrong else ""
    return ("TRUE" if correct else "FALSE") + feedback


GIFT = GiftMapping(priority=50, claims=claims, read=read, write=write)
