"""The base of every question type, and the helpers their responses share."""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.core.i18n import _, _l
from lms.quizzes.parsed import ParsedQuestion, SourceProblem

SINGLE_CHOICE = "single_choice"
MULTIPLE_RESPONSE = "multiple_response"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERICAL = "numerical"
MATCHING = "matching"
ESSAY = "essay"
DESCRIPTION = "description"

MAX_TEXT_ANSWER = 500
MAX_ESSAY = 50_000
_EPSILON = 1e-9


@dataclass
class Grade:
    fraction: float | None              # 0..1; None while a tutor still has to grade
    feedback: list[str] = field(default_factory=list)  # HTML of the feedback for what was answered


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _localize(variants: dict[str, ParsedQuestion], pick) -> dict[str, str]:
    """{language: text} of one piece of a question, leaving out empty texts."""
    result = {}
    for language, question in variants.items():
        value = pick(question)
        if value:
            result[language] = value
    return result


def _as_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError


def _field(raw, key: str, message):
    """The one field a response must have; a missing field is an error, a null one clears it."""
    if not isinstance(raw, dict) or key not in raw:
        raise ValueError(str(message))
    return raw[key]


def _text(raw, limit: int) -> dict | None:
    value = _field(raw, "text", _("The answer must be an object with a text."))
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(_("The answer must be text."))
    if len(value) > limit:
        raise ValueError(_("The answer is too long: at most {limit} characters.").format(limit=limit))
    return {"text": value} if value.strip() else None


class QuestionType:
    name = ""
    label = _l("Question")
    gradable = True      # counts towards the score
    auto_graded = True   # graded on submit; otherwise a tutor grades it
    shuffles = False     # its answers can be shown in a per-attempt order

    @property
    def graded_by_tutor(self) -> bool:
        """Counts towards the score but waits for a tutor's grade (an essay)."""
        return self.gradable and not self.auto_graded

    # --- import ---------------------------------------------------------------------
    def validate(self, q: ParsedQuestion) -> list[SourceProblem]:
        problems = []
        if not q.text.strip():
            problems.append(SourceProblem(q.line, _("The question has no text.")))
        for answer in q.answers:
            if not -1.0 - _EPSILON <= answer.fraction <= 1.0 + _EPSILON:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "Weight out of range ({weight}%): weights run from -100% to 100%.").format(
                        weight=_number(answer.fraction * 100))))
        return problems

    def signature(self, q: ParsedQuestion) -> tuple:
        """What a translation must keep: type, answer count, weights."""
        return (q.qtype, tuple(round(a.fraction, 5) for a in q.answers))

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

    def summary(self, definition: dict, response: dict | None, language: str) -> str:
        """The trainee's answer as one line of plain text."""
        if not response:
            return ""
        return str(response.get("text", ""))


def _number(value: float) -> str:
    return f"{value:g}"
