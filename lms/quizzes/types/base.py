"""The base of every question type, the shape of its GIFT and Moodle XML mappings, and the
helpers their responses share.

A question type is one folder, ``lms/quizzes/types/<type>/``:

    __init__.py          the type: validation, the stored definition, what a trainee sees and
                         sends, grading, review, the rules of course content
    gift.py              its GIFT mapping: which answers between braces it claims, reading and writing them
    moodle_xml.py        its Moodle XML mapping: which <question> elements it claims, reading and writing them
    schema.py            its part of the API: the fields of a question while answering, the response
    templates/<type>.html  its template piece: the inputs, the review, the bank's answer key

and one line in ``lms/quizzes/types/__init__.py`` registers it. The GIFT and Moodle XML
readers, the content checker, the attempt and review pages, the bank page and the API
schemas go through the registered types and name none of them.
"""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lms.core.i18n import _, _l
from lms.quizzes.gift_syntax import AnswerBlock
from lms.quizzes.moodle_xml_elements import MoodleQuestion
from lms.quizzes.parsed import ParsedQuestion, SourceProblem

MAX_TEXT_ANSWER = 500
MAX_ESSAY = 50_000
EPSILON = 1e-9

# How the attempt page's script reads a question's inputs (the fieldset's data-response):
# one radio ("choice"), checkboxes ("choices"), true/false ("value"), one select per item
# ("matches"), a text field ("text"), or nothing to send ("none").
CHOICE, CHOICES, VALUE, MATCHES, TEXT, NONE = "choice", "choices", "value", "matches", "text", "none"


@dataclass
class Grade:
    fraction: float | None              # 0..1; None while a tutor still has to grade
    feedback: list[str] = field(default_factory=list)  # HTML of the feedback for what was answered


@dataclass(frozen=True)
class GiftMapping:
    """How a question type is written in GIFT.

    ``claims(body)`` looks at the answers between the braces (escapes protected, spaces
    stripped); the types are asked by ``priority``, lowest first. ``read`` fills the parsed
    question from the ``AnswerBlock`` and says whether it could. ``text_alone`` marks the
    type of a question written without braces. ``write(definition, language)`` gives what
    goes between the braces of a stored question (general feedback aside), in one language."""

    priority: int = 100
    claims: Callable[[str], bool] | None = None
    read: Callable[[ParsedQuestion, AnswerBlock], bool] | None = None
    text_alone: bool = False
    write: Callable[[dict, str], str] | None = None


@dataclass(frozen=True)
class MoodleXmlMapping:
    """How a question type is read from and written to Moodle XML: the ``<question type="…">``
    it comes from, whether it claims one such element (types sharing an element type are
    asked by ``priority``, lowest first), reading it into a parsed question, and
    ``write(definition, language, element, texts)``: the type's own children of a stored
    question's element (``texts`` writes a text element with its embedded images)."""

    element_type: str
    read: Callable[[MoodleQuestion], ParsedQuestion]
    claims: Callable[[MoodleQuestion], bool] = lambda _element: True
    priority: int = 100
    write: Callable[..., None] | None = None


@dataclass(frozen=True)
class ApiPart:
    """A question type's part of the JSON API: the fields of its question while answering
    (``view`` makes them from what ``public`` gives) and the response it takes."""

    fields: dict = field(default_factory=dict)
    view: Callable[[dict], dict] = lambda _public: {}
    response_example: str = '{"text": "…"}'


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def localize(variants: dict[str, ParsedQuestion], pick) -> dict[str, str]:
    """{language: text} of one piece of a question, leaving out empty texts."""
    result = {}
    for language, question in variants.items():
        value = pick(question)
        if value:
            result[language] = value
    return result


def as_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError


def response_field(raw, key: str, message):
    """The one field a response must have; a missing field is an error, a null one clears it."""
    if not isinstance(raw, dict) or key not in raw:
        raise ValueError(str(message))
    return raw[key]


def text_response(raw, limit: int) -> dict | None:
    value = response_field(raw, "text", _("The answer must be an object with a text."))
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(_("The answer must be text."))
    if len(value) > limit:
        raise ValueError(_("The answer is too long: at most {limit} characters.").format(limit=limit))
    return {"text": value} if value.strip() else None


def normalise(text: str) -> str:
    """Unicode composed, spaces collapsed: texts compared as a reader sees them."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def number_text(value: float) -> str:
    return f"{value:g}"


class QuestionType:
    """A question type: subclasses set the class attributes and override what differs."""

    name = ""
    label = _l("Question")
    gradable = True      # counts towards the score
    auto_graded = True   # graded on submit; otherwise a tutor grades it
    gift: GiftMapping | None = None
    moodle_xml: MoodleXmlMapping | None = None
    api = ApiPart()
    response_shape = TEXT

    @property
    def graded_by_tutor(self) -> bool:
        """Counts towards the score but waits for a tutor's grade (an essay)."""
        return self.gradable and not self.auto_graded

    @property
    def template(self) -> str:
        """The template piece: macros ``answer(q, name, response)``, ``review(q, response, details)``
        and ``bank(review)``, in ``templates/<type>.html`` of the type's folder."""
        return f"question_types/{self.name}.html"

    @property
    def folder(self) -> Path:
        """The type's folder (its template piece is in ``templates/``)."""
        return Path(inspect.getfile(type(self))).parent

    # --- import ---------------------------------------------------------------------
    def validate(self, q: ParsedQuestion) -> list[SourceProblem]:
        problems = []
        if not q.text.strip():
            problems.append(SourceProblem(q.line, _("The question has no text.")))
        for answer in q.answers:
            if not -1.0 - EPSILON <= answer.fraction <= 1.0 + EPSILON:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "Weight out of range ({weight}%): weights run from -100% to 100%.").format(
                        weight=number_text(answer.fraction * 100))))
        return problems

    def signature(self, q: ParsedQuestion) -> tuple:
        """What a translation must keep: type, answer count, weights."""
        return (q.qtype, tuple(round(a.fraction, 5) for a in q.answers))

    def describe(self, q: ParsedQuestion) -> str:
        """The answers as the course-content checker names them when translations differ."""
        weights = ", ".join(f"{a.fraction * 100:g}%" for a in q.answers)
        return f"{len(q.answers)} answers ({weights})"

    def content_rules(self, q: ParsedQuestion) -> list[str]:
        """What course content asks beyond a valid question (docs/content-format.md)."""
        missing = [a for a in q.answers if not a.feedback]
        if missing:
            return ["every answer needs feedback after '#' (the answer"
                    f"{'s' if len(missing) > 1 else ''} on line {', '.join(str(a.line) for a in missing)})"]
        return []

    def build(self, variants: dict[str, ParsedQuestion], default: str) -> dict:
        return {}

    # --- attempt --------------------------------------------------------------------
    def answer_order(self, definition: dict, shuffle: bool, rng) -> list | None:
        return None

    def public(self, definition: dict, language: str, order: list | None) -> dict:
        return {}

    def from_form(self, form, name: str, definition: dict):
        value = form.get(name, "")
        return {"text": value}

    def clean(self, definition: dict, raw) -> dict | None:
        return None

    def grade(self, definition: dict, response: dict | None, language: str) -> Grade:
        return Grade(0.0)

    def review(self, definition: dict, language: str, response: dict | None, order: list | None) -> dict:
        return {}
