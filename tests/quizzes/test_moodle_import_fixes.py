"""What Moodle's files hold and the importers used to get wrong: GIFT format markers before a
short answer, a one-word answer without '=', Moodle 1.9 pictures, idnumbers, tags and essay
options (kept, and written back), each from Moodle's fixtures or their syntax."""

from __future__ import annotations

import base64

import pytest

from lms.quizzes import bank
from lms.quizzes.gift import parse_gift
from lms.quizzes.models import Question, QuestionFile
from lms.quizzes.moodlexml import parse_moodle_xml
from lms.quizzes.types import QUESTION_TYPES
from tests.quizzes.conftest import moodle_fixture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x03" * 40


def only(text: str):
    result = parse_gift(text)
    assert result.errors == [], result.errors
    assert len(result.questions) == 1
    return result.questions[0]


def grade(question, response: str) -> float:
    from lms.quizzes.bank import build_question

    stored = build_question({"en": question}, "en")
    return QUESTION_TYPES[stored.qtype].grade(stored.definition, {"text": response}, "en").fraction


# --- GIFT --------------------------------------------------------------------------------

@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("marker", ["[plain]", "[html]", "[markdown]", "[moodle]"])
def test_a_format_marker_before_a_short_answer_is_not_part_of_it(marker):
    question = only(f"::Capital::The capital of Serbia?{{={marker}Beograd#Tačno}}")
    assert question.qtype == "short_answer"
    assert [a.text for a in question.answers] == ["Beograd"]
    assert grade(question, "Beograd") == 1.0 and grade(question, "beograd") == 1.0


@pytest.mark.usefixtures("ctx")
def test_moodle_s_fixture_markers_before_choices_and_feedback_are_read_as_formats():
    result = parse_gift(moodle_fixture("questions.gift.txt").read_text())
    colours = next(q for q in result.questions if q.name == "colours")
    assert [a.text for a in colours.answers][-1] == "blue"            # ~%-100%[plain]blue
    q2 = next(q for q in result.questions if q.name == "Q2")
    assert q2.answers[1].feedback == "wrong, it's yellow"             # # [html]wrong, it's yellow


@pytest.mark.usefixtures("ctx")
def test_a_one_word_answer_without_an_equals_sign_is_accepted_at_100_percent_as_in_moodle():
    question = only("::Count::How many keys does the officer carry?{One}")
    assert question.qtype == "short_answer"
    assert [(a.text, a.fraction) for a in question.answers] == [("One", 1.0)]
    assert grade(question, "one") == 1.0
    both = only("::Two::Name a colour.{Red =%50%Blue#Half}")
    assert [(a.text, a.fraction, a.feedback) for a in both.answers] == [("Red", 1.0, ""), ("Blue", 0.5, "Half")]


@pytest.mark.usefixtures("ctx")
def test_moodle_s_idnumber_and_tags_in_a_gift_comment_are_kept():
    question = only("// question: 12  name: Keys\n// [id:KEY-12] [tag:security] [tag:keys \\] and locks]\n"
                    "::Keys::Who holds the keys?{=The officer ~The trainee}")
    assert question.idnumber == "KEY-12" and question.tags == ["security", "keys ] and locks"]
    assert question.moodle == {"idnumber": "KEY-12", "tags": ["security", "keys ] and locks"]}
    # a comment before a blank line belongs to no question
    alone = only("// [id:LOST]\n\n::Keys::Who holds the keys?{=The officer ~The trainee}")
    assert alone.moodle == {}


# --- Moodle XML --------------------------------------------------------------------------

def legacy_picture(image: str, data: bytes | None) -> bytes:
    encoded = f"<image_base64>{base64.b64encode(data).decode()}</image_base64>" if data is not None else ""
    return (f'<?xml version="1.0"?><quiz><question type="truefalse"><name><text>Plan</text></name>'
            f'<questiontext format="html"><text>Is this the exercise yard?</text></questiontext>'
            f'<image>{image}</image>{encoded}'
            f'<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
            f'</question></quiz>').encode()


@pytest.mark.usefixtures("ctx")
def test_a_moodle_1_9_picture_is_shown_below_the_question():
    result = parse_moodle_xml(legacy_picture("course/files/yard.png", PNG))
    question = result.questions[0]
    assert [f.name for f in question.files] == ["yard.png"] and question.files[0].data == PNG
    assert f"/quizzes/files/{question.files[0].sha256}/yard.png" in question.text
    assert question.notes == []


@pytest.mark.usefixtures("ctx")
def test_a_moodle_1_9_picture_without_its_data_is_named_in_the_report():
    result = parse_moodle_xml(legacy_picture("course/files/yard.png", None))
    question = result.questions[0]
    assert question.files == [] and "<img" not in question.text
    assert any("yard.png" in note and "without it" in note for note in question.notes)


@pytest.mark.usefixtures("ctx")
def test_a_moodle_1_9_picture_that_is_not_an_image_skips_its_question_with_the_reason():
    result = parse_moodle_xml(legacy_picture("notes.txt", b"plain words"))
    assert result.questions == [] and "not an image" in result.skipped[0].reason


def test_a_moodle_1_9_picture_is_stored_once_and_served(session, quiz_course):
    report = bank.import_questions(session, quiz_course["course"].id, legacy_picture("yard.png", PNG),
                                   filename="legacy.xml")
    assert report.ok and report.count(bank.IMPORTED) == 1
    stored = session.query(QuestionFile).one()
    question = session.query(Question).filter_by(name="Plan").one()
    assert stored.data == PNG and f"/quizzes/files/{stored.sha256}/yard.png" in question.text["en"]


def test_idnumber_tags_and_essay_options_of_moodle_s_fixture_are_kept_in_the_bank(session, quiz_course):
    course = quiz_course["course"]
    report = bank.import_questions(session, course.id, moodle_fixture("nested_categories_with_questions.xml")
                                   .read_bytes(), filename="nested.xml")
    assert report.ok
    essay = session.query(Question).filter_by(name="Kappa Essay Question").one()
    assert essay.definition["moodle"] == {"response_format": "editor", "response_required": 1, "attachments": 0,
                                          "attachments_required": 0}
    tagged = (b'<?xml version="1.0"?><quiz><question type="shortanswer"><name><text>Gate</text></name>'
              b'<questiontext format="html"><text>Which gate?</text></questiontext><idnumber>G-1</idnumber>'
              b'<answer fraction="100"><text>North</text></answer>'
              b'<tags><tag><text>gates</text></tag></tags></question></quiz>')
    assert bank.import_questions(session, course.id, tagged, filename="tagged.xml").ok
    gate = session.query(Question).filter_by(name="Gate").one()
    assert gate.moodle == {"idnumber": "G-1", "tags": ["gates"]}
    # the same question without its tags is another question, not "already in the bank"
    untagged = tagged.replace(b"<tags><tag><text>gates</text></tag></tags>", b"")
    again = bank.import_questions(session, course.id, untagged, filename="untagged.xml")
    assert again.count(bank.IMPORTED) == 1
