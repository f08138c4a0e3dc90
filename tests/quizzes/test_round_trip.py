"""GIFT and Moodle XML written back: reading what the writers give yields the same questions
(texts, answers, weights, feedback, Moodle's kept data) for Moodle's fixtures, every quiz
file of the course content, and each question type's particular cases."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from lms.quizzes.bank import build_question
from lms.quizzes.exported import ExportedBank, ExportedCategory, ExportedQuestion
from lms.quizzes.gift import parse_gift
from lms.quizzes.gift_writer import write_gift
from lms.quizzes.moodle_xml_writer import write_moodle_xml
from lms.quizzes.moodlexml import parse_moodle_xml
from lms.quizzes.parsed import ParseResult
from tests.quizzes.conftest import moodle_fixture

pytestmark = pytest.mark.usefixtures("ctx")

ROOT = Path(__file__).resolve().parents[2]
CONTENT_GIFT = sorted((ROOT / "content").rglob("*.gift"))
FIXTURES = ["questions.gift.txt", "examples.gift.txt", "nested_categories_with_questions.xml"]


def bank_of(result: ParseResult, language: str = "en") -> ExportedBank:
    assert result.errors == [], result.errors
    categories: dict[str, ExportedCategory] = {}
    declared = {c.path: c.info for c in result.categories}
    for question in result.questions:
        path = question.category or "Top"
        stored = build_question({language: question}, language)
        categories.setdefault(path, ExportedCategory(path, declared.get(path, ""))).questions.append(
            ExportedQuestion(stored.qtype, stored.name, stored.text, stored.general_feedback, stored.definition,
                             stored.default_mark, stored.moodle))
    return ExportedBank(list(categories.values()), language)


def snapshot(bank: ExportedBank, numbers_as_ranges: bool = False) -> list:
    """Every question as stored, category by category; ``numbers_as_ranges`` compares an accepted
    number by the range it accepts (Moodle XML keeps a value and a tolerance, not how GIFT wrote it)."""
    def definition(question):
        if not numbers_as_ranges or question.qtype not in ("numerical", "numerical_units"):
            return question.definition
        kept = dict(question.definition)
        kept["answers"] = [{**{k: v for k, v in answer.items() if k != "source"},
                            "low": None if answer["low"] is None else round(answer["low"], 9),
                            "high": None if answer["high"] is None else round(answer["high"], 9)}
                           for answer in question.definition["answers"]]
        return kept

    return [(c.path, [(q.qtype, q.name, q.text, q.general_feedback, definition(q), q.default_mark, q.moodle)
                      for q in c.questions]) for c in bank.categories]


def gift_again(bank: ExportedBank) -> ExportedBank:
    return bank_of(parse_gift(write_gift(bank)), bank.language)


def xml_again(bank: ExportedBank) -> ExportedBank:
    result = parse_moodle_xml(write_moodle_xml(bank))
    assert result.skipped == []
    return bank_of(result, bank.language)


def read_fixture(name: str) -> ParseResult:
    path = moodle_fixture(name)
    return parse_moodle_xml(path.read_bytes()) if path.suffix == ".xml" else parse_gift(path.read_text())


@pytest.mark.parametrize("name", FIXTURES)
def test_moodle_fixtures_come_back_equal_through_gift_and_through_moodle_xml(name):
    bank = bank_of(read_fixture(name))
    assert bank.question_count > 0
    from_xml = name.endswith(".xml")
    if not from_xml:
        assert snapshot(gift_again(bank)) == snapshot(bank)
    assert snapshot(xml_again(bank), numbers_as_ranges=not from_xml) == snapshot(bank, numbers_as_ranges=not from_xml)
    # and a second trip changes nothing at all
    assert snapshot(xml_again(xml_again(bank))) == snapshot(xml_again(bank))


def test_the_content_has_quiz_files_to_try():
    assert len(CONTENT_GIFT) >= 10


@pytest.mark.parametrize("path", CONTENT_GIFT, ids=[str(p.relative_to(ROOT / "content")) for p in CONTENT_GIFT])
def test_every_quiz_file_of_the_course_content_comes_back_equal(path):
    bank = bank_of(parse_gift(path.read_text(encoding="utf-8")))
    assert bank.question_count > 0
    assert snapshot(gift_again(bank)) == snapshot(bank)
    assert snapshot(xml_again(bank), numbers_as_ranges=True) == snapshot(bank, numbers_as_ranges=True)


TRICKY_GIFT = r"""$CATEGORY: $course$/top/Prisons/Intake

// [id:INT-1] [tag:intake] [tag:risk \] level]
::Escapes \: all of them::Which of these is written \{ \} \= \~ \# \\ ?{
=%100%[plain]a \= b#right \# here
=%50%Beograd
}

::Weights::Pick the safe practices.{
~%33.33333%Search
~%33.33333%Count
~%33.33334%Log
~%-100%Ignore#Never.
####Three steps.
}

::Two right::Which is right?{=one ~%100%also one ~wrong}

::Ranges::Distance?{#=%100%3.141..3.142#close enough =%50%3:1 ~#far off}

::Units::How long?{#=3.5:0.1 m#yes ~#no}

::Pairs::Match.{=<b>Cell</b> -> room =Yard -> outside = -> roof ####General.}

::TF::The sky is green.{FALSE##Right, it is not.####Colours.}

::Essay::Describe your shift.{####A model answer.}

::Note::[markdown]Read **this** first.
"""


def test_each_type_s_particular_cases_come_back_equal():
    bank = bank_of(parse_gift(TRICKY_GIFT))
    assert bank.question_count == 9
    assert bank.categories[0].path == "Prisons/Intake"
    assert snapshot(gift_again(bank)) == snapshot(bank)
    assert snapshot(xml_again(bank), numbers_as_ranges=True) == snapshot(bank, numbers_as_ranges=True)
    escaped = bank.categories[0].questions[0]
    assert escaped.moodle == {"idnumber": "INT-1", "tags": ["intake", "risk ] level"]}
    assert [a["text"]["en"] for a in escaped.definition["answers"]] == ["a = b", "Beograd"]


def test_a_question_of_the_first_that_has_every_answer_at_100_percent_stays_a_single_choice():
    bank = bank_of(parse_gift("::Two right::Which is right?{=one ~%100%also one ~wrong}"))
    written = write_gift(bank)
    assert "=one" in written and "~%100%also one" in written
    assert gift_again(bank).categories[0].questions[0].qtype == "single_choice"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 24


def test_moodle_xml_carries_images_essay_options_units_and_tags_back():
    encoded = base64.b64encode(PNG).decode()
    source = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Yard</text></category>
    <info format="html"><text>Outdoor work</text></info></question>
  <question type="essay">
    <name><text>Report</text></name>
    <questiontext format="html"><text><![CDATA[<p>See <img src="@@PLUGINFILE@@/yard.png" alt="Yard"></p>]]></text>
      <file name="yard.png" path="/" encoding="base64">{encoded}</file></questiontext>
    <defaultgrade>2</defaultgrade>
    <idnumber>REP-2</idnumber>
    <responseformat>plain</responseformat><responserequired>0</responserequired>
    <responsefieldlines>5</responsefieldlines><minwordlimit>50</minwordlimit><maxwordlimit>300</maxwordlimit>
    <attachments>0</attachments>
    <graderinfo format="html"><text>Look for the three steps.</text></graderinfo>
    <responsetemplate format="html"><text>I saw…</text></responsetemplate>
    <tags><tag><text>yard</text></tag><tag><text>report</text></tag></tags>
  </question>
  <question type="numerical">
    <name><text>Length</text></name>
    <questiontext format="html"><text>How long is the yard?</text></questiontext>
    <answer fraction="100"><text>35</text><tolerance>1</tolerance><feedback><text>Yes</text></feedback></answer>
    <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>
      <unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit></units>
  </question>
  <question type="multichoice">
    <name><text>Order</text></name>
    <questiontext format="html"><text>First step?</text></questiontext>
    <single>true</single><shuffleanswers>0</shuffleanswers>
    <answer fraction="0" format="html"><text>Zebra</text><feedback><text>No</text></feedback></answer>
    <answer fraction="100" format="html"><text>Alpha</text><feedback><text>Yes</text></feedback></answer>
  </question>
</quiz>""".encode()
    result = parse_moodle_xml(source)
    bank = bank_of(result)
    sha = hashlib.sha256(PNG).hexdigest()
    bank.stored_file = lambda wanted: ("yard.png", PNG) if wanted == sha else None
    essay, length, order = [q for c in bank.categories for q in c.questions]
    assert essay.moodle == {"idnumber": "REP-2", "tags": ["yard", "report"]}
    assert essay.definition["moodle"] == {"response_format": "plain", "response_required": 0, "min_words": 50,
                                          "max_words": 300, "attachments": 0}
    written = write_moodle_xml(bank)
    assert b"@@PLUGINFILE@@/yard.png" in written and encoded.encode() in written
    again = parse_moodle_xml(written)
    assert again.questions[0].files[0].data == PNG
    again_bank = bank_of(again)
    again_bank.stored_file = bank.stored_file
    assert snapshot(again_bank) == snapshot(bank)
    assert again_bank.categories[0].info == "Outdoor work"
    assert length.definition["units"] == [{"name": "m", "multiplier": 1.0}, {"name": "cm", "multiplier": 100.0}]
    assert order.definition["shuffle"] is False
