"""Write a part of a question bank as GIFT, as Moodle's own GIFT export does.

This writer knows the frame of a question: ``$CATEGORY:`` lines, Moodle's idnumber and tags
as a comment (``// [id:…] [tag:…]``), ``::name::``, the text marked ``[html]`` (answers and
feedback are then HTML too), the answers in braces and ``####`` general feedback. What is
between the braces belongs to the question's type: its GIFT mapping's ``write``
(``lms/quizzes/types/<type>/gift.py``). GIFT carries no images, no essay options and one
unit only; Moodle XML carries them all.
"""

from __future__ import annotations

from lms.core.i18n import localized
from lms.quizzes.exported import ExportedBank, ExportedQuestion
from lms.quizzes.gift_syntax import escape
from lms.quizzes.types import QUESTION_TYPES


def write_gift(bank: ExportedBank) -> str:
    parts = []
    for category in bank.categories:
        parts.append(f"$CATEGORY: $course$/top/{category.path}\n\n")
        for question in category.questions:
            parts.append(_question(question, bank.language) + "\n\n")
    return "".join(parts)


def _question(question: ExportedQuestion, language: str) -> str:
    kind = QUESTION_TYPES[question.qtype]
    kept = _kept(question.moodle)
    lines = [f"// {kept}"] if kept else []
    head = f"::{escape(question.name)}::[html]{escape(localized(question.text, language))}"
    if kind.gift.text_alone:
        return "\n".join(lines + [head])
    general = localized(question.general_feedback, language)
    body = kind.gift.write(question.definition, language)
    closing = f"\t####{escape(general)}\n" if general and body.endswith("\n") else (
        f"####{escape(general)}" if general else "")
    return "\n".join(lines + [f"{head}{{{body}{closing}}}"])


def _comment(text: str) -> str:
    return " ".join(text.split())


def _kept(moodle: dict) -> str:
    """``[id:…] [tag:…]…``, a ``]`` inside written ``\\]``, as Moodle reads them from a comment."""
    tokens = []
    if moodle.get("idnumber"):
        tokens.append(f"[id:{_comment(moodle['idnumber']).replace(']', chr(92) + ']')}]")
    tokens += [f"[tag:{_comment(tag).replace(']', chr(92) + ']')}]" for tag in moodle.get("tags", [])]
    return " ".join(tokens)
