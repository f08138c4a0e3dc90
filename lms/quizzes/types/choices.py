"""What single choice and multiple response share: answers to choose among, kept in an order
that gives nothing away, shown shuffled or as written; their GIFT answers (``=`` and ``~``),
Moodle's ``multichoice`` element (read and written), and their part of the API."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from marshmallow import Schema, fields

from lms.core.i18n import _, localized
from lms.quizzes.formats import MOODLE, plain_text
from lms.quizzes.gift_syntax import AnswerBlock, escape, feedback_of
from lms.quizzes.moodle_xml_elements import MoodleQuestion, XmlTexts
from lms.quizzes.parsed import ParsedAnswer, ParsedQuestion, SourceProblem, percent
from lms.quizzes.types.base import QuestionType, localize


class QuestionChoiceSchema(Schema):
    key = fields.Integer()
    html = fields.String()


CHOICES_FIELD = fields.List(fields.Nested(QuestionChoiceSchema), metadata={"description": "Choice questions."})


class ChoiceType(QuestionType):
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
        # Answers are kept sorted by their text, so that an answer's key says nothing of where
        # the author put it (authors tend to write the right answer first); ``authored`` keeps
        # the written order, shown when answers are not shuffled.
        keys = sorted(range(len(base.answers)), key=lambda i: (plain_text(base.answers[i].text).casefold(), i))
        return {
            "answers": [{
                "text": localize(variants, lambda q, i=i: q.answers[i].text),
                "fraction": round(base.answers[i].fraction, 7),
                "feedback": localize(variants, lambda q, i=i: q.answers[i].feedback),
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

    def _chosen(self, response) -> list[int]:
        return []


# --- GIFT: {=right ~wrong ~%50%half#feedback} ------------------------------------------

def gift_has_choices(body: str) -> bool:
    return "~" in body


def read_gift_choices(question: ParsedQuestion, answers: AnswerBlock) -> bool:
    head, pieces = answers.segments("=~")
    ok = answers.check_head(head)
    for marker, start, body in pieces:
        line = answers.line_at(start)
        fraction, body, valid = answers.weight(body, line)
        ok = ok and valid
        answer_source, feedback = answers.split_feedback(body)
        if fraction is None:
            fraction = 1.0 if marker == "=" else 0.0
        question.answers.append(ParsedAnswer(text=answers.html(answer_source), fraction=fraction,
                                             feedback=feedback, line=line))
    return ok


def authored(definition: dict) -> list[dict]:
    """The answers in the order their author wrote them."""
    answers = definition["answers"]
    order = definition.get("authored") or range(len(answers))
    return [answers[k] for k in order if 0 <= k < len(answers)]


def write_gift_choices(definition: dict, language: str, single: bool) -> str:
    """``=right`` (single choice), ``~%50%half``, ``~wrong``, each ``#feedback``, in the written order.

    In a single choice the first answer worth 100% is written with ``=``, which is what makes
    it a single choice; every other answer goes with ``~`` and its weight."""
    lines, marked = [], not single
    for answer in authored(definition):
        if not marked and abs(answer["fraction"] - 1.0) < 1e-9:
            marker, marked = "=", True
        elif abs(answer["fraction"]) < 1e-9:
            marker = "~"
        else:
            marker = f"~%{percent(answer['fraction'])}%"
        lines.append(f"\n\t{marker}{escape(localized(answer['text'], language))}"
                     f"{feedback_of(answer['feedback'], language)}")
    return "".join(lines) + "\n"


# --- Moodle XML: <question type="multichoice"> -----------------------------------------

def moodle_single(element: MoodleQuestion) -> bool:
    return element.flag("single", True)


def read_multichoice(element: MoodleQuestion) -> ParsedQuestion:
    question = element.parsed("")
    question.answers = element.answers(text_format=MOODLE)
    question.options["shuffle"] = element.flag("shuffleanswers", True)
    return question


def write_multichoice(definition: dict, language: str, element: ET.Element, texts: XmlTexts, single: bool) -> None:
    texts.value(element, "single", "true" if single else "false")
    texts.value(element, "shuffleanswers", "true" if definition.get("shuffle", True) else "false")
    texts.value(element, "answernumbering", "abc")
    for answer in authored(definition):
        texts.answer(element, answer["fraction"], localized(answer["text"], language),
                     localized(answer["feedback"], language))
