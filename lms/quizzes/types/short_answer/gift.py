"""Short answer in GIFT: accepted answers with ``=`` (``=%50%…`` for partial credit); it takes
whatever answers no other type claims. As in Moodle, a text before the first ``=`` is an
accepted answer too (``{One}`` accepts "One" at 100%), and a ``[plain]``/``[html]``/
``[markdown]`` marker before an answer says its format and is not part of it
(``{=[plain]Beograd}`` accepts "Beograd").

Writing: every accepted answer with ``=``, its weight when not 100%, and its feedback."""

from __future__ import annotations

from lms.core.i18n import localized
from lms.quizzes.formats import split_marker
from lms.quizzes.gift_syntax import AnswerBlock, escape, feedback_of, weight_of
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion
from lms.quizzes.types.base import GiftMapping


def read(question: ParsedQuestion, answers: AnswerBlock) -> bool:
    head, pieces = answers.segments("=")
    if head.strip():
        # Moodle reads the text before the first '=' as an accepted answer worth 100%.
        pieces.insert(0, ("=", answers.offset + len(head) - len(head.lstrip()), head))
    ok = True
    for _marker, start, body in pieces:
        line = answers.line_at(start)
        fraction, body, valid = answers.weight(body, line)
        ok = ok and valid
        answer, feedback = answers.split_feedback(body)
        text, _format = split_marker(answers.restore(answer).strip(), "")
        question.answers.append(ParsedAnswer(
            text=" ".join(text.split()), fraction=1.0 if fraction is None else fraction,
            feedback=feedback, line=line))
    return ok


def write(definition: dict, language: str) -> str:
    return "".join(f"\n\t={weight_of(answer['fraction'])}{escape(localized(answer['text'], language))}"
                   f"{feedback_of(answer['feedback'], language)}" for answer in definition["answers"]) + "\n"


GIFT = GiftMapping(priority=1000, claims=lambda _body: True, read=read, write=write)
