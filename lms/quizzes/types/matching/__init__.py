"""Matching: items paired with answers, distractor answers, choices always shuffled; an equal
share per right pair (``{=item -> answer = -> distractor}``)."""

from __future__ import annotations

from lms.core.i18n import _, _l, localized
from lms.quizzes.parsed import SourceProblem
from lms.quizzes.types.base import (
    MATCHES,
    Grade,
    QuestionType,
    as_int,
    localize,
    normalise,
    response_field,
)
from lms.quizzes.types.matching import gift, moodle_xml, schema

NAME = "matching"


class Matching(QuestionType):
    name = NAME
    label = _l("Matching")
    gift = gift.GIFT
    moodle_xml = moodle_xml.MOODLE_XML
    api = schema.API
    response_shape = MATCHES

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

    def describe(self, q):
        return f"{len(q.answers)} pairs"

    def content_rules(self, q):
        if not q.general_feedback:
            return ["a matching question needs general feedback, written '####…' before '}'"]
        return []

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
            "stems": [{"text": localize(variants, lambda q, i=i: q.answers[i].text),
                       "choice": choice_of[normalise(answer.match or "")]}
                      for i, answer in enumerate(base.answers) if answer.text.strip()],
            "choices": [localize(variants, lambda q, i=i: normalise(q.answers[i].match or ""))
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
        matches = response_field(raw, "matches", _("Send the matches as an object of stem → choice."))
        if matches is None:
            return None
        if not isinstance(matches, dict):
            raise ValueError(_("Send the matches as an object of stem → choice."))
        cleaned = {}
        for stem, choice in matches.items():
            if choice is None or choice == "":
                continue
            try:
                stem_index, choice_key = as_int(stem), as_int(choice)
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
