"""Read Moodle's GIFT format into parsed questions, with the source line of everything.

The whole format: ``::name::``, ``[html]``/``[markdown]``/``[plain]``/``[moodle]``
markers, ``=``/``~`` answers, ``%n%`` weights (negative too), ``#`` feedback and
``####`` general feedback, ``->`` matching, ``{#…}`` numerical answers (exact,
``x:tolerance``, ``a..b``, alternatives with partial credit), ``{T}``/``{TRUE}``/
``{F}``/``{FALSE}``, ``{}`` essays, text without answers (descriptions), text after
the answers ("missing word" questions), escapes ``\\= \\~ \\# \\{ \\} \\\\ \\: \\n``,
``$CATEGORY:`` lines and ``//`` comments. As in Moodle, a blank line ends a question;
answers and feedback may run over several lines.
"""

from __future__ import annotations

import re

from lms.core.i18n import _
from lms.quizzes.formats import MOODLE, default_name, split_marker, to_html
from lms.quizzes.parsed import (
    CategoryDecl,
    ParsedAnswer,
    ParsedQuestion,
    ParseResult,
    SourceProblem,
    moodle_category,
)
from lms.quizzes.types import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERICAL,
    SHORT_ANSWER,
    SINGLE_CHOICE,
    TRUE_FALSE,
    validate_question,
)

# Escaped control characters become private-use characters while parsing, so that a
# plain ``str.find`` never mistakes them for syntax; ``_restore`` puts them back.
_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004",
            "~": "\ue005", "\\": "\ue006", "n": "\ue007"}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_PRIVATE_RE = re.compile("[\ue000-\ue007]")
_WEIGHT_RE = re.compile(r"\s*%\s*(-?\d+(?:[.,]\d+)?)\s*%")
_BAD_WEIGHT_RE = re.compile(r"\s*%[^%\n]*%")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _protect(text: str) -> str:
    text = _PRIVATE_RE.sub("\ufffd", text)
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return _PRIVATE_RE.sub(lambda m: _RESTORE[m.group(0)], text)


class _Block:
    """One question's lines, joined, with a way back from an offset to a source line."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.first_line = lines[0][0]
        self.text = _protect("\n".join(text for _number, text in lines))
        self._numbers = [number for number, _text in lines]
        self._starts, position = [], 0
        for _number, text in lines:
            self._starts.append(position)
            position += len(text) + 1

    def line_at(self, offset: int) -> int:
        # Offsets are into the protected text, which is shorter than the source only
        # within lines (escapes shrink), never across them: count newlines instead.
        index = self.text.count("\n", 0, max(0, offset))
        return self._numbers[min(index, len(self._numbers) - 1)]


def _blocks(text: str, result: ParseResult):
    """Yield question blocks; record ``$CATEGORY:`` lines on the way."""
    current: list[tuple[int, str]] = []
    category: str | None = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            if current:
                yield current, category
                current = []
            category = moodle_category(_restore(_protect(stripped[len("$CATEGORY:"):])))
            result.categories.append(CategoryDecl(category, number))
            continue
        if not stripped:
            if current:
                yield current, category
                current = []
            continue
        current.append((number, line.rstrip()))
    if current:
        yield current, category


def parse_gift(text: str) -> ParseResult:
    """Parse GIFT text; every problem is collected with its line, nothing is raised."""
    result = ParseResult()
    for lines, category in _blocks(text, result):
        block = _Block(lines)
        question = _parse_block(block, result)
        if question is None:
            continue
        question.category = category
        problems = validate_question(question)
        if problems:
            result.errors.extend(problems)
        else:
            result.questions.append(question)
    return result


def _parse_block(block: _Block, result: ParseResult) -> ParsedQuestion | None:
    text = block.text
    position = len(text) - len(text.lstrip())
    name, named = "", False
    if text.startswith("::", position):
        end = text.find("::", position + 2)
        if end == -1:
            result.error(block.line_at(position), _(
                "The question name opened with '::' is not closed with '::'."))
            return None
        name, named = _restore(text[position + 2:end]).strip(), True
        position = end + 2
    first_line = block.first_line

    opening, closing = text.find("{", position), text.find("}", position)
    if opening == -1 and closing == -1:
        return _description(block, text[position:], name, named, first_line, result)
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

    before_raw = text[position:opening]
    before, fmt = split_marker(before_raw, MOODLE)
    after_text = after.strip()
    question_text = before.strip()
    notes = []
    if after_text:
        question_text = f"{before}_____{after}".strip()
        notes.append(_("The text after the answers is kept in the question, with a blank (_____) "
                       "where the answers were."))
    if not _restore(question_text).strip():
        result.error(block.line_at(opening), _(
            "Answers without a question: write the question text before '{'."))
        return None

    question = ParsedQuestion(qtype="", name=name, text=to_html(_restore(question_text), fmt),
                              line=first_line, named=named, notes=notes)
    answers_offset = opening + 1
    answers = text[answers_offset:closing]
    general = answers.rfind("####")
    if general != -1:
        feedback, feedback_fmt = split_marker(answers[general + 4:], fmt)
        question.general_feedback = to_html(_restore(feedback), feedback_fmt)
        answers = answers[:general]
    body = answers.strip()
    if not question.name:
        question.name = default_name(question.text) or _("Question on line {line}").format(line=first_line)

    if body == "":
        question.qtype = ESSAY
        return question
    if body.startswith("#"):
        question.qtype = NUMERICAL
        ok = _numerical(question, block, answers, answers_offset, fmt, result)
    elif "~" in body:
        ok = _choices(question, block, answers, answers_offset, fmt, result)
    elif "=" in body and "->" in body:
        question.qtype = MATCHING
        ok = _matching(question, block, answers, answers_offset, fmt, result)
    elif body.split("#", 1)[0].strip().upper() in _TF:
        question.qtype = TRUE_FALSE
        ok = _true_false(question, body, fmt)
    else:
        question.qtype = SHORT_ANSWER
        ok = _short_answers(question, block, answers, answers_offset, fmt, result)
    return question if ok else None


def _description(block, text, name, named, line, result) -> ParsedQuestion | None:
    stripped = text.strip()
    if stripped[:1] in ("=", "~"):
        result.error(line, _("An answer without a question: answers starting with '=' or '~' "
                             "belong inside the braces { } of a question."))
        return None
    body, fmt = split_marker(stripped, MOODLE)
    html = to_html(_restore(body), fmt)
    if not html:
        result.error(line, _("The question has a name but no text."))
        return None
    return ParsedQuestion(qtype=DESCRIPTION, name=name or default_name(html), text=html, line=line,
                          named=named)


def _segments(answers: str, offset: int, markers: str) -> tuple[str, list[tuple[str, int, str]]]:
    """Split answers at each marker: (text before the first marker, [(marker, offset, body)])."""
    positions = [i for i, char in enumerate(answers) if char in markers]
    head = answers[: positions[0]] if positions else answers
    pieces = []
    for index, start in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(answers)
        pieces.append((answers[start], offset + start, answers[start + 1:end]))
    return head, pieces


def _weight(body: str, line: int, result: ParseResult) -> tuple[float | None, str, bool]:
    """Read a leading ``%n%``: (fraction or None, rest of the body, whether it was valid)."""
    match = _WEIGHT_RE.match(body)
    if match:
        percent = float(match.group(1).replace(",", "."))
        if not -100 <= percent <= 100:
            result.error(line, _("Weight out of range ({weight}%): weights run from -100% to 100%.")
                         .format(weight=match.group(1)))
            return None, body[match.end():], False
        return percent / 100, body[match.end():], True
    bad = _BAD_WEIGHT_RE.match(body)
    if bad:
        result.error(line, _("'{weight}' is not a weight: write a percentage between two percent signs, "
                             "as in %50%, %-25%.").format(weight=_restore(bad.group(0).strip())))
        return None, body[bad.end():], False
    return None, body, True


def _split_feedback(body: str, fmt: str) -> tuple[str, str, str]:
    """``answer # feedback`` → (answer source, answer format, feedback HTML)."""
    answer, _hash, feedback = body.partition("#")
    answer, answer_fmt = split_marker(answer, fmt)
    feedback, feedback_fmt = split_marker(feedback, fmt)
    return answer, answer_fmt, to_html(_restore(feedback), feedback_fmt) if _hash else ""


def _check_head(head: str, block: _Block, offset: int, result: ParseResult) -> bool:
    if head.strip():
        result.error(block.line_at(offset + len(head) - len(head.lstrip())), _(
            "'{text}' comes before the first answer: every answer starts with '=' or '~'.").format(
                text=_restore(head.strip())[:40]))
        return False
    return True


def _choices(question, block, answers, offset, fmt, result) -> bool:
    head, pieces = _segments(answers, offset, "=~")
    ok = _check_head(head, block, offset, result)
    single = any(marker == "=" for marker, _start, _body in pieces)
    question.qtype = SINGLE_CHOICE if single else MULTIPLE_RESPONSE
    for marker, start, body in pieces:
        line = block.line_at(start)
        fraction, body, valid = _weight(body, line, result)
        ok = ok and valid
        answer_source, answer_fmt, feedback = _split_feedback(body, fmt)
        if fraction is None:
            fraction = 1.0 if marker == "=" else 0.0
        question.answers.append(ParsedAnswer(
            text=to_html(_restore(answer_source), answer_fmt), fraction=fraction, feedback=feedback,
            line=line))
    return ok


def _short_answers(question, block, answers, offset, fmt, result) -> bool:
    head, pieces = _segments(answers, offset, "=")
    if head.strip():
        result.error(block.line_at(offset + len(head) - len(head.lstrip())), _(
            "'{text}' is not an answer: accepted answers start with '=', wrong choices with '~', "
            "and a true/false question is written {{T}} or {{F}}.").format(text=_restore(head.strip())[:40]))
        return False
    ok = True
    for _marker, start, body in pieces:
        line = block.line_at(start)
        fraction, body, valid = _weight(body, line, result)
        ok = ok and valid
        answer, _hash, feedback = body.partition("#")
        feedback, feedback_fmt = split_marker(feedback, fmt)
        question.answers.append(ParsedAnswer(
            text=" ".join(_restore(answer).split()), fraction=1.0 if fraction is None else fraction,
            feedback=to_html(_restore(feedback), feedback_fmt) if _hash else "", line=line))
    return ok


def _feedback_html(source: str, fmt: str) -> str:
    text, text_fmt = split_marker(source, fmt)
    return to_html(_restore(text), text_fmt)


def _true_false(question, body, fmt) -> bool:
    parts = body.split("#", 2)
    question.options["correct"] = _TF[parts[0].strip().upper()]
    wrong = _feedback_html(parts[1], fmt) if len(parts) > 1 else ""
    right = _feedback_html(parts[2], fmt) if len(parts) > 2 else ""
    # GIFT gives the feedback for a wrong answer first, then for a right one.
    if question.options["correct"]:
        question.options.update(feedback_true=right, feedback_false=wrong)
    else:
        question.options.update(feedback_true=wrong, feedback_false=right)
    return True


def _matching(question, block, answers, offset, fmt, result) -> bool:
    head, pieces = _segments(answers, offset, "=")
    ok = _check_head(head, block, offset, result)
    for _marker, start, body in pieces:
        line = block.line_at(start)
        if _WEIGHT_RE.match(body) or _BAD_WEIGHT_RE.match(body):
            result.error(line, _("Matching pairs have no weights: each right pair earns an equal share."))
            ok = False
            continue
        if "->" not in body:
            result.error(line, _("A matching pair is written '=item -> answer'; this one has no '->'."))
            ok = False
            continue
        stem, _arrow, match = body.partition("->")
        if "#" in match:
            result.error(block.line_at(start + 1 + body.find("#")), _(
                "Matching pairs have no feedback of their own: give general feedback with '####', "
                "or write \\# for a literal '#'."))
            ok = False
            continue
        stem_source, stem_fmt = split_marker(stem, fmt)
        question.answers.append(ParsedAnswer(
            text=to_html(_restore(stem_source), stem_fmt), match=" ".join(_restore(match).split()),
            fraction=0.0, line=line))
    return ok


def _numerical(question, block, answers, offset, fmt, result) -> bool:
    body = answers[answers.find("#") + 1:]
    body_offset = offset + answers.find("#") + 1
    wrong_feedback = None
    tilde = body.find("~")
    if tilde != -1:
        # ``~#feedback`` after the numbers: the feedback for any other answer.
        rest = body[tilde + 1:]
        if rest.strip() and not rest.strip().startswith("#"):
            result.error(block.line_at(body_offset + tilde), _(
                "In a numerical question '~' may only introduce feedback for any other answer: ~#feedback."))
            return False
        wrong_feedback = rest.strip()[1:] if rest.strip() else ""
        body = body[:tilde]
    if "=" in body:
        head, pieces = _segments(body, body_offset, "=")
        if not _check_head(head, block, body_offset, result):
            return False
    else:
        pieces = [("=", body_offset, body)]
    ok = True
    for _marker, start, piece in pieces:
        line = block.line_at(start)
        fraction, piece, valid = _weight(piece, line, result)
        ok = ok and valid
        number_text, _hash, feedback = piece.partition("#")
        feedback, feedback_fmt = split_marker(feedback, fmt)
        parsed = _number_spec(_restore(number_text).strip())
        if parsed is None:
            result.error(line, _("'{value}' is not a number: write 1822, 1822:2 (with a tolerance) or "
                                 "1820..1824 (a range).").format(value=_restore(number_text).strip()))
            ok = False
            continue
        low, high = parsed
        question.answers.append(ParsedAnswer(
            low=low, high=high, source=_restore(number_text).strip(), line=line,
            fraction=1.0 if fraction is None else fraction,
            feedback=to_html(_restore(feedback), feedback_fmt) if _hash else ""))
    if wrong_feedback is not None:
        feedback, feedback_fmt = split_marker(wrong_feedback, fmt)
        question.answers.append(ParsedAnswer(low=None, high=None, source="*", fraction=0.0,
                                             feedback=to_html(_restore(feedback), feedback_fmt),
                                             line=block.line_at(body_offset + tilde)))
    return ok


_FLOAT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _float(text: str) -> float | None:
    text = text.strip()
    return float(text) if _FLOAT_RE.match(text) else None


def _number_spec(text: str) -> tuple[float, float] | None:
    """``1822`` → (1822, 1822); ``1822:2`` → (1820, 1824); ``3.141..3.142`` → (3.141, 3.142)."""
    if ".." in text:
        low_text, _dots, high_text = text.partition("..")
        low, high = _float(low_text), _float(high_text)
        return (low, high) if low is not None and high is not None else None
    value_text, colon, tolerance_text = text.partition(":")
    value = _float(value_text)
    if value is None:
        return None
    tolerance = _float(tolerance_text) if colon else 0.0
    if tolerance is None or tolerance < 0:
        return None
    return value - tolerance, value + tolerance


def problems_as_text(problems: list[SourceProblem]) -> str:
    return "\n".join(f"{p.line}: {p.message}" for p in problems)
