"""Single choice, multiple response and true/false."""

from __future__ import annotations

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import (
    MULTIPLE_RESPONSE,
    SINGLE_CHOICE,
    TRUE_FALSE,
    Grade,
    QuestionType,
    _as_int,
    _field,
    _localize,
    _number,
    clamp,
)


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
        from lms.quizzes.formats import plain_text

        base = variants[default]
        # Answers are kept sorted by their text, so that an answer's key says nothing of where
        # the author put it (authors tend to write the right answer first); ``authored`` keeps
        # the written order, shown when answers are not shuffled.
        keys = sorted(range(len(base.answers)), key=lambda i: (plain_text(base.answers[i].text).casefold(), i))
        return {
            "answers": [{
                "text": _localize(variants, lambda q, i=i: q.answers[i].text),
                "fraction": round(base.answers[i].fraction, 7),
                "feedback": _localize(variants, lambda q, i=i: q.answers[i].feedback),
            } for i in keys],
            "authored": [keys.index(i) for i in range(len(keys))],
            "shuffle": bool(base.options.get("shuffle", True)),
        }

    def answer_order(self, definition, shuffle, rng):
        keys = list(self._order(definition, None))
        if shuffle and definition.get("shuffle", True):
            rng.shuffle(keys)
        return keys

    def _order(self, definition, order):
        count = len(definition["answers"])
        return [k for k in (order or definition.get("authored") or range(count)) if 0 <= k < count]

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
