"""Question types as classes, each knowing how to check, show and grade itself.

A type builds the stored *definition* of a question from its parsed languages, shows
the question to a trainee without giving the answer away (``public``), cleans what the
trainee sends (``clean``), grades it (``grade``) and, once review is allowed, explains
the result with the right answers and their feedback (``review``). Definitions keep
every text as a ``{language: text}`` map so one question serves every translation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion, SourceProblem

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

    # --- import ---------------------------------------------------------------------
    def validate(self, q: ParsedQuestion) -> list[SourceProblem]:
        problems = []
        if not q.text.strip():
            problems.append(SourceProblem(q.line, _("The question has no text.")))
        for answer in q.answers:
            if not -1.0 - _EPSILON <= answer.fraction <= 1.0 + _EPSILON:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "The weight {weight}% is out of range: weights run from -100% to 100%.").format(
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


# --- choices ---------------------------------------------------------------------------

class _Choice(QuestionType):
    shuffles = True

    def validate(self, q):
        problems = super().validate(q)
        if len(q.answers) < 2:
            problems.append(SourceProblem(q.line, _("A multiple-choice question needs at least two answers.")))
        for answer in q.answers:
            if not answer.text.strip():
                problems.append(SourceProblem(answer.line or q.line, _("An answer has no text.")))
        return problems

    def build(self, variants, default):
        base = variants[default]
        return {
            "answers": [{
                "text": _localize(variants, lambda q, i=i: q.answers[i].text),
                "fraction": round(answer.fraction, 7),
                "feedback": _localize(variants, lambda q, i=i: q.answers[i].feedback),
            } for i, answer in enumerate(base.answers)],
            "shuffle": bool(base.options.get("shuffle", True)),
        }

    def answer_order(self, definition, shuffle, rng):
        keys = list(range(len(definition["answers"])))
        if shuffle and definition.get("shuffle", True):
            rng.shuffle(keys)
        return keys

    def _order(self, definition, order):
        count = len(definition["answers"])
        return [k for k in (order or range(count)) if 0 <= k < count]

    def public(self, definition, language, order):
        return {"choices": [{"key": k, "html": localized(definition["answers"][k]["text"], language)}
                            for k in self._order(definition, order)]}

    def review(self, definition, language, response, order):
        chosen = set(self._chosen(response))
        return {"choices": [{
            "key": k, "html": localized(answer["text"], language), "fraction": answer["fraction"],
            "correct": answer["fraction"] > 0, "chosen": k in chosen,
            "feedback": localized(answer["feedback"], language),
        } for k in self._order(definition, order) for answer in [definition["answers"][k]]]}

    def summary(self, definition, response, language):
        from lms.quizzes.formats import plain_text

        return "; ".join(plain_text(localized(definition["answers"][k]["text"], language))
                         for k in self._chosen(response) if k < len(definition["answers"]))

    def _chosen(self, response) -> list[int]:
        return []


class SingleChoice(_Choice):
    name = SINGLE_CHOICE
    label = _l("Single choice")

    def validate(self, q):
        problems = super().validate(q)
        if q.answers and max(a.fraction for a in q.answers) < 1.0 - 1e-6:
            problems.append(SourceProblem(q.line, _(
                "No answer is worth 100%: mark the right answer with = (or give it %100%).")))
        return problems

    def from_form(self, form, name, definition):
        value = form.get(name, "")
        return {"choice": value} if value != "" else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        value = _field(raw, "choice", _("Choose one of the answers."))
        if value is None:
            return None
        try:
            key = _as_int(value)
        except ValueError:
            raise ValueError(_("Choose one of the answers.")) from None
        if not 0 <= key < len(definition["answers"]):
            raise ValueError(_("Choose one of the answers."))
        return {"choice": key}

    def _chosen(self, response):
        return [response["choice"]] if response and "choice" in response else []

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        answer = definition["answers"][response["choice"]]
        feedback = localized(answer["feedback"], language)
        return Grade(clamp(answer["fraction"]), [feedback] if feedback else [])


class MultipleResponse(_Choice):
    name = MULTIPLE_RESPONSE
    label = _l("Multiple response")

    def validate(self, q):
        problems = super().validate(q)
        positive = sum(a.fraction for a in q.answers if a.fraction > 0)
        if q.answers and abs(positive - 1.0) > 0.001:
            problems.append(SourceProblem(q.line, _(
                "The positive weights add up to {total}%; in a multiple-response question "
                "they must add up to 100%.").format(total=_number(round(positive * 100, 3)))))
        return problems

    def from_form(self, form, name, definition):
        values = form.getlist(name) if hasattr(form, "getlist") else form.get(name, [])
        return {"choices": list(values)} if values else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        values = _field(raw, "choices", _("Choose among the answers shown."))
        if values is None:
            return None
        if not isinstance(values, list):
            raise ValueError(_("Send the chosen answers as a list."))
        try:
            keys = sorted({_as_int(v) for v in values})
        except ValueError:
            raise ValueError(_("Choose among the answers shown.")) from None
        if any(not 0 <= k < len(definition["answers"]) for k in keys):
            raise ValueError(_("Choose among the answers shown."))
        return {"choices": keys} if keys else None

    def _chosen(self, response):
        return list(response.get("choices", [])) if response else []

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        total, feedback = 0.0, []
        for key in response["choices"]:
            answer = definition["answers"][key]
            total += answer["fraction"]
            text = localized(answer["feedback"], language)
            if text:
                feedback.append(text)
        return Grade(clamp(total), feedback)


# --- true / false ----------------------------------------------------------------------

class TrueFalse(QuestionType):
    name = TRUE_FALSE
    label = _l("True/false")

    def signature(self, q):
        return (q.qtype, bool(q.options.get("correct")))

    def build(self, variants, default):
        return {
            "correct": bool(variants[default].options.get("correct")),
            "feedback": {
                "true": _localize(variants, lambda q: q.options.get("feedback_true", "")),
                "false": _localize(variants, lambda q: q.options.get("feedback_false", "")),
            },
        }

    def from_form(self, form, name, definition):
        value = form.get(name, "")
        return {"value": value} if value else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        value = _field(raw, "value", _("Answer true or false."))
        if value is None:
            return None
        if value in (True, "true", "True", "1", 1):
            return {"value": True}
        if value in (False, "false", "False", "0", 0):
            return {"value": False}
        raise ValueError(_("Answer true or false."))

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        value = response["value"]
        feedback = localized(definition["feedback"]["true" if value else "false"], language)
        return Grade(1.0 if value == definition["correct"] else 0.0, [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        chosen = response["value"] if response else None
        return {"correct": definition["correct"], "chosen": chosen,
                "feedback": localized(definition["feedback"]["true" if chosen else "false"], language)
                if chosen is not None else ""}

    def summary(self, definition, response, language):
        if not response:
            return ""
        return _("True") if response["value"] else _("False")


# --- short answer ----------------------------------------------------------------------

def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def wildcard_regex(pattern: str) -> re.Pattern:
    """``*`` matches anything; ``\\*`` is a literal asterisk; everything else is literal."""
    pieces, i = [], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i):
            pieces.append(re.escape("*"))
            i += 2
        elif pattern[i] == "*":
            pieces.append(".*")
            i += 1
        else:
            pieces.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(pieces), re.DOTALL)


def short_answer_matches(pattern: str, response: str, case_sensitive: bool = False) -> bool:
    pattern, response = normalise(pattern), normalise(response)
    if not case_sensitive:
        pattern, response = pattern.casefold(), response.casefold()
    return wildcard_regex(pattern).fullmatch(response) is not None


class ShortAnswer(QuestionType):
    name = SHORT_ANSWER
    label = _l("Short answer")

    def validate(self, q):
        problems = super().validate(q)
        if not q.answers:
            problems.append(SourceProblem(q.line, _("A short-answer question needs at least one accepted answer.")))
        for answer in q.answers:
            if not answer.text.strip():
                problems.append(SourceProblem(answer.line or q.line, _("An accepted answer is empty.")))
            if answer.fraction < 0:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "A short answer cannot have a negative weight.")))
        if q.answers and max(a.fraction for a in q.answers) < 1.0 - 1e-6:
            problems.append(SourceProblem(q.line, _("No accepted answer is worth 100%.")))
        return problems

    def build(self, variants, default):
        base = variants[default]
        return {
            "answers": [{
                "text": _localize(variants, lambda q, i=i: q.answers[i].text.strip()),
                "fraction": round(answer.fraction, 7),
                "feedback": _localize(variants, lambda q, i=i: q.answers[i].feedback),
            } for i, answer in enumerate(base.answers)],
            "case_sensitive": bool(base.options.get("case_sensitive", False)),
        }

    def clean(self, definition, raw):
        return _text(raw, MAX_TEXT_ANSWER) if raw is not None else None

    def _best(self, definition, response, language):
        if not response:
            return None
        best = None
        case_sensitive = definition.get("case_sensitive", False)
        for answer in definition["answers"]:
            better = best is None or answer["fraction"] > best["fraction"]
            if better and short_answer_matches(localized(answer["text"], language), response["text"], case_sensitive):
                best = answer
        return best

    def grade(self, definition, response, language):
        best = self._best(definition, response, language)
        if best is None:
            return Grade(0.0)
        feedback = localized(best["feedback"], language)
        return Grade(clamp(best["fraction"]), [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        best = self._best(definition, response, language)
        return {"accepted": [{"text": localized(a["text"], language), "fraction": a["fraction"]}
                             for a in definition["answers"] if a["fraction"] > 0],
                "response": response["text"] if response else "",
                "feedback": localized(best["feedback"], language) if best else ""}


# --- numerical -------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A number as a trainee types it: ``1822``, ``3.14``, ``3,14`` (decimal comma), ``1 822``."""
    value = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if "," in value:
        if "." in value or value.count(",") > 1:
            value = value.replace(",", "")  # thousands separators: 1,822.5
        else:
            value = value.replace(",", ".")
    if not _NUMBER_RE.match(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def within(value: float, low: float, high: float) -> bool:
    slack = _EPSILON * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


class Numerical(QuestionType):
    name = NUMERICAL
    label = _l("Numerical")

    def validate(self, q):
        problems = super().validate(q)
        ranged = [a for a in q.answers if a.low is not None]
        if not ranged:
            problems.append(SourceProblem(q.line, _("A numerical question needs at least one accepted number.")))
        for answer in ranged:
            if answer.high < answer.low:
                problems.append(SourceProblem(answer.line or q.line, _(
                    "The range {source} runs backwards: write the smaller number first.").format(
                        source=answer.source)))
        if ranged and max(a.fraction for a in ranged) < 1.0 - 1e-6:
            problems.append(SourceProblem(q.line, _("No accepted number is worth 100%.")))
        if any(a.fraction < 0 for a in q.answers):
            problems.append(SourceProblem(q.line, _("A numerical answer cannot have a negative weight.")))
        return problems

    def signature(self, q):
        return (q.qtype, tuple((a.low, a.high, round(a.fraction, 5)) for a in q.answers))

    def build(self, variants, default):
        return {"answers": [{
            "low": answer.low, "high": answer.high, "source": answer.source,
            "fraction": round(answer.fraction, 7),
            "feedback": _localize(variants, lambda q, i=i: q.answers[i].feedback),
        } for i, answer in enumerate(variants[default].answers)]}

    def clean(self, definition, raw):
        return _text(raw, 100) if raw is not None else None

    def _best(self, definition, response):
        if not response:
            return None
        value = parse_number(response["text"])
        if value is None:
            return None
        best = None
        for answer in definition["answers"]:
            matched = answer["low"] is None or within(value, answer["low"], answer["high"])
            if matched and (best is None or answer["fraction"] > best["fraction"]
                            or (best["low"] is None and answer["low"] is not None
                                and answer["fraction"] == best["fraction"])):
                best = answer
        return best

    def grade(self, definition, response, language):
        if response and parse_number(response["text"]) is None:
            return Grade(0.0, [_("This is not a number.")])
        best = self._best(definition, response)
        if best is None:
            return Grade(0.0)
        feedback = localized(best["feedback"], language)
        return Grade(clamp(best["fraction"]), [feedback] if feedback else [])

    def review(self, definition, language, response, order):
        best = self._best(definition, response)
        return {"accepted": [{"text": describe_range(a), "fraction": a["fraction"]}
                             for a in definition["answers"] if a["low"] is not None and a["fraction"] > 0],
                "response": response["text"] if response else "",
                "feedback": localized(best["feedback"], language) if best else ""}


def describe_range(answer: dict) -> str:
    low, high = answer["low"], answer["high"]
    if low == high:
        return _number(low)
    middle = (low + high) / 2
    if ":" in answer.get("source", ""):
        return f"{_number(middle)} ± {_number(round((high - low) / 2, 12))}"
    return f"{_number(low)} – {_number(high)}"


# --- matching --------------------------------------------------------------------------

class Matching(QuestionType):
    name = MATCHING
    label = _l("Matching")
    shuffles = True

    def validate(self, q):
        problems = super().validate(q)
        stems = [a for a in q.answers if a.text.strip()]
        if len(stems) < 2:
            problems.append(SourceProblem(q.line, _("A matching question needs at least two pairs.")))
        for answer in q.answers:
            if not (answer.match or "").strip():
                problems.append(SourceProblem(answer.line or q.line, _(
                    "A matching pair has nothing after '->'.")))
        return problems

    def signature(self, q):
        return (q.qtype, tuple(bool(a.text.strip()) for a in q.answers))

    def build(self, variants, default):
        base = variants[default]
        # Choices are sorted by text, so their keys say nothing about which stem they fit.
        by_text: dict[str, int] = {}
        firsts: list[int] = []
        for index, answer in enumerate(base.answers):
            key = normalise(answer.match or "")
            if key not in by_text:
                by_text[key] = len(firsts)
                firsts.append(index)
        ordered = sorted(firsts, key=lambda i: normalise(base.answers[i].match or "").casefold())
        key_of_first = {index: position for position, index in enumerate(ordered)}
        choice_of = {text: key_of_first[firsts[k]] for text, k in by_text.items()}
        return {
            "stems": [{"text": _localize(variants, lambda q, i=i: q.answers[i].text),
                       "choice": choice_of[normalise(answer.match or "")]}
                      for i, answer in enumerate(base.answers) if answer.text.strip()],
            "choices": [_localize(variants, lambda q, i=i: normalise(q.answers[i].match or ""))
                        for i in ordered],
        }

    def answer_order(self, definition, shuffle, rng):
        keys = list(range(len(definition["choices"])))
        rng.shuffle(keys)  # matching choices are always shuffled
        return keys

    def _order(self, definition, order):
        count = len(definition["choices"])
        return [k for k in (order or range(count)) if 0 <= k < count]

    def public(self, definition, language, order):
        return {"stems": [{"key": i, "html": localized(stem["text"], language)}
                          for i, stem in enumerate(definition["stems"])],
                "choices": [{"key": k, "text": localized(definition["choices"][k], language)}
                            for k in self._order(definition, order)]}

    def from_form(self, form, name, definition):
        matches = {}
        for index in range(len(definition["stems"])):
            value = form.get(f"{name}-{index}", "")
            if value != "":
                matches[str(index)] = value
        return {"matches": matches} if matches else None

    def clean(self, definition, raw):
        if raw is None:
            return None
        matches = _field(raw, "matches", _("Send the matches as an object of stem → choice."))
        if matches is None:
            return None
        if not isinstance(matches, dict):
            raise ValueError(_("Send the matches as an object of stem → choice."))
        cleaned = {}
        for stem, choice in matches.items():
            if choice is None or choice == "":
                continue
            try:
                stem_index, choice_key = _as_int(stem), _as_int(choice)
            except ValueError:
                raise ValueError(_("Match each item with one of the choices shown.")) from None
            if not (0 <= stem_index < len(definition["stems"]) and 0 <= choice_key < len(definition["choices"])):
                raise ValueError(_("Match each item with one of the choices shown."))
            cleaned[str(stem_index)] = choice_key
        return {"matches": cleaned} if cleaned else None

    def grade(self, definition, response, language):
        if not response:
            return Grade(0.0)
        stems = definition["stems"]
        right = sum(1 for i, stem in enumerate(stems) if response["matches"].get(str(i)) == stem["choice"])
        return Grade(right / len(stems))

    def review(self, definition, language, response, order):
        matches = response["matches"] if response else {}
        rows = []
        for i, stem in enumerate(definition["stems"]):
            chosen = matches.get(str(i))
            rows.append({"html": localized(stem["text"], language),
                         "chosen": localized(definition["choices"][chosen], language) if chosen is not None else "",
                         "correct_choice": localized(definition["choices"][stem["choice"]], language),
                         "right": chosen == stem["choice"]})
        return {"stems": rows}

    def summary(self, definition, response, language):
        from lms.quizzes.formats import plain_text

        if not response:
            return ""
        return "; ".join(
            f"{plain_text(localized(definition['stems'][int(i)]['text'], language))} → "
            f"{localized(definition['choices'][k], language)}" for i, k in sorted(response["matches"].items()))


# --- essay and description -------------------------------------------------------------

class Essay(QuestionType):
    name = ESSAY
    label = _l("Essay")
    auto_graded = False

    def signature(self, q):
        return (q.qtype,)

    def build(self, variants, default):
        base = variants[default]
        return {"lines": int(base.options.get("lines") or 10),
                "grader_info": _localize(variants, lambda q: q.options.get("grader_info", "")),
                "template": _localize(variants, lambda q: q.options.get("template", ""))}

    def public(self, definition, language, order):
        return {"lines": definition.get("lines", 10),
                "template": localized(definition.get("template") or {}, language)}

    def clean(self, definition, raw):
        return _text(raw, MAX_ESSAY) if raw is not None else None

    def grade(self, definition, response, language):
        return Grade(None if response else 0.0)

    def review(self, definition, language, response, order):
        return {"response": response["text"] if response else ""}


class Description(QuestionType):
    name = DESCRIPTION
    label = _l("Description")
    gradable = False

    def signature(self, q):
        return (q.qtype,)

    def from_form(self, form, name, definition):
        return None

    def grade(self, definition, response, language):
        return Grade(None)


QUESTION_TYPES: dict[str, QuestionType] = {t.name: t for t in (
    SingleChoice(), MultipleResponse(), TrueFalse(), ShortAnswer(), Numerical(), Matching(),
    Essay(), Description())}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]


def validate_question(q: ParsedQuestion) -> list[SourceProblem]:
    return QUESTION_TYPES[q.qtype].validate(q)


__all__ = ["QUESTION_TYPES", "Grade", "ParsedAnswer", "question_type", "validate_question"]
