"""Read Moodle's GIFT format into parsed questions, with the source line of everything.

This reader knows the frame of a question: ``::name::``, ``[html]``/``[markdown]``/
``[plain]``/``[moodle]`` markers, the answers in braces (one set per question; text after
them makes a "missing word" question), ``####`` general feedback, escapes ``\\= \\~ \\#
\\{ \\} \\\\ \\: \\n``, ``$CATEGORY:`` lines and ``//`` comments. As in Moodle, a blank line
ends a question; answers and feedback may run over several lines.

What is between the braces belongs to a question type: each type's GIFT mapping
(``lms/quizzes/types/<type>/gift.py``) says which answers it claims and reads them.
Text without braces is the question type that reads text alone (a description).

Comments in a question's lines may give Moodle's idnumber and tags, ``// [id:Q-7] [tag:intake]``
(a ``]`` inside is written ``\\]``); they are kept with the question and written back.
"""

from __future__ import annotations

import re

from lms.core.i18n import _
from lms.quizzes.formats import MOODLE, default_name, split_marker, to_html
from lms.quizzes.gift_syntax import AnswerBlock, Block, protect, restore
from lms.quizzes.parsed import CategoryDecl, ParsedQuestion, ParseResult, moodle_category
from lms.quizzes.types import QUESTION_TYPES, QuestionType

_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\[\x00-\x1f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]\[\x00-\x1f])+)\]")


def _blocks(text: str, result: ParseResult):
    """Yield question blocks with their comment lines; record ``$CATEGORY:`` lines on the way."""
    current: list[tuple[int, str]] = []
    comments: list[str] = []
    category: str | None = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        if stripped.startswith("$CATEGORY:"):
            if current:
                yield current, category, comments
                current = []
            comments = []
            category = moodle_category(restore(protect(stripped[len("$CATEGORY:"):])))
            result.categories.append(CategoryDecl(category, number))
            continue
        if not stripped:
            if current:
                yield current, category, comments
                current = []
            comments = []
            continue
        current.append((number, line.rstrip()))
    if current:
        yield current, category, comments


def _kept_from_comments(question: ParsedQuestion, comments: list[str]) -> None:
    """Moodle's ``[id:…]`` and ``[tag:…]`` in the comments of a question (the first id counts)."""
    text = "\n".join(comments)
    found = _ID_RE.search(text)
    if found:
        question.idnumber = found.group(1).replace("\\]", "]").strip()
    question.tags = [tag.replace("\\]", "]").strip() for tag in _TAG_RE.findall(text) if tag.strip()]


def parse_gift(text: str) -> ParseResult:
    """Parse GIFT text; every problem is collected with its line, nothing is raised."""
    result = ParseResult()
    for lines, category, comments in _blocks(text, result):
        question = _parse_block(Block(lines), result)
        if question is None:
            continue
        question.category = category
        _kept_from_comments(question, comments)
        problems = QUESTION_TYPES[question.qtype].validate(question)
        if problems:
            result.errors.extend(problems)
        else:
            result.questions.append(question)
    return result


def _claiming(body: str) -> QuestionType:
    """The question type whose GIFT mapping claims these answers (the first, by priority)."""
    return next(kind for kind in _by_gift_priority() if kind.gift.claims(body))


def _by_gift_priority() -> list[QuestionType]:
    return sorted((kind for kind in QUESTION_TYPES.values() if kind.gift is not None and kind.gift.claims),
                  key=lambda kind: kind.gift.priority)


def _text_alone_type() -> QuestionType:
    return next(kind for kind in QUESTION_TYPES.values() if kind.gift is not None and kind.gift.text_alone)


def _parse_block(block: Block, result: ParseResult) -> ParsedQuestion | None:
    text = block.text
    position = len(text) - len(text.lstrip())
    name, named = "", False
    if text.startswith("::", position):
        end = text.find("::", position + 2)
        if end == -1:
            result.error(block.line_at(position), _(
                "The question name opened with '::' is not closed with '::'."))
            return None
        name, named = restore(text[position + 2:end]).strip(), True
        position = end + 2
    first_line = block.first_line

    opening, closing = text.find("{", position), text.find("}", position)
    if opening == -1 and closing == -1:
        return _text_alone(text[position:], name, named, first_line, result)
    if closing != -1 and (opening == -1 or closing < opening):
        result.error(block.line_at(closing), _(
            "'{close}' without an opening '{open}' (write {escaped} for a literal brace).").format(
            close="}", open="{", escaped="\\}"))
        return None
    if closing == -1:
        result.error(block.line_at(opening), _(
            "The answers opened with '{open}' on this line are not closed with '{close}' before the "
            "question ends (a blank line or the end of the file ends a question).").format(open="{", close="}"))
        return None
    nested = text.find("{", opening + 1, closing)
    if nested != -1:
        result.error(block.line_at(nested), _(
            "A second '{{' inside the answers opened on line {line}: close the answers with '}}' "
            "or write \\{{ for a literal brace.").format(line=block.line_at(opening)))
        return None
    after = text[closing + 1:]
    for char in "{}":
        stray = after.find(char)
        if stray != -1:
            result.error(block.line_at(closing + 1 + stray), _(
                "A question has one set of answers in braces; this '{char}' starts another "
                "(escape it as \\{char} if it is text).").format(char=char))
            return None

    before, fmt = split_marker(text[position:opening], MOODLE)
    after_text = after.strip()
    question_text = before.strip()
    notes = []
    if after_text:
        question_text = f"{before}_____{after}".strip()
        notes.append(_("The text after the answers is kept in the question, with a blank (_____) "
                       "where the answers were."))
    if not restore(question_text).strip():
        result.error(block.line_at(opening), _(
            "Answers without a question: write the question text before '{'."))
        return None

    question = ParsedQuestion(qtype="", name=name, text=to_html(restore(question_text), fmt),
                              line=first_line, named=named, notes=notes)
    answers_offset = opening + 1
    answers = text[answers_offset:closing]
    general = answers.rfind("####")
    if general != -1:
        feedback, feedback_fmt = split_marker(answers[general + 4:], fmt)
        question.general_feedback = to_html(restore(feedback), feedback_fmt)
        answers = answers[:general]
    if not question.name:
        question.name = default_name(question.text) or _("Question on line {line}").format(line=first_line)
    block_of_answers = AnswerBlock(answers, answers_offset, fmt, block, result)
    kind = _claiming(block_of_answers.body)
    question.qtype = kind.name
    return question if kind.gift.read(question, block_of_answers) else None


def _text_alone(text: str, name: str, named: bool, line: int, result: ParseResult) -> ParsedQuestion | None:
    stripped = text.strip()
    if stripped[:1] in ("=", "~"):
        result.error(line, _("An answer without a question: answers starting with '=' or '~' "
                             "belong inside the braces { } of a question."))
        return None
    body, fmt = split_marker(stripped, MOODLE)
    html = to_html(restore(body), fmt)
    if not html:
        result.error(line, _("The question has a name but no text."))
        return None
    return ParsedQuestion(qtype=_text_alone_type().name, name=name or default_name(html), text=html, line=line,
                          named=named)
