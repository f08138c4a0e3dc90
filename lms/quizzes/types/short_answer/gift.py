"""Short answer in GIFT: accepted answers with ``=`` (``=%50%…`` for partial credit); it takes
whatever answers no other type claims."""

from __future__ import annotations

from lms.core.i18n import _
from lms.quizzes.gift_syntax import AnswerBlock
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import GiftMapping


def read(question: ParsedQuestion, answers: AnswerBlock) -> bool:
    head, pieces = answers.segments("=")
    if head.strip():
        answers.error(answers.line_at(answers.offset + len(head) - len(head.lstrip())), _(
            "'{text}' is not an answer: accepted answers start with '=', wrong choices with '~', "
            "and a true/false question is written {{T}} or {{F}}.").format(text=answers.restore(head.strip())[:40]))
        return False
    ok = True
    for _marker, start, body in pieces:
        line = answers.line_at(start)
        fraction, body, valid = answers.weight(body, line)
        ok = ok and valid
        answer, feedback = answers.split_feedback(body)
        question.answers.append(ParsedAnswer(
            text=" ".join(answers.restore(answer).split()), fraction=1.0 if fraction is None else fraction,
            feedback=feedback, line=line))
    return ok


GIFT = GiftMapping(priority=1000, claims=lambda _body: True, read=read)
