"""Numerical with units: read from GIFT (``{#3.5:0.1 m}``) and from Moodle XML (``<units>``),
graded after converting the unit the trainee typed, taken through an attempt like any type."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.quizzes import bank
from lms.quizzes.bank import build_question
from lms.quizzes.gift import parse_gift
from lms.quizzes.models import Question, Quiz, QuizSlot
from lms.quizzes.moodlexml import parse_moodle_xml
from lms.quizzes.types import QUESTION_TYPES
from tests.conftest import login
from tests.quizzes.test_moodlexml import question, xml

CELL = ("::cell:: How long is the cell, in metres? {#=3.5:0.1 m#Right. =%50%3.5:0.5 m#Close. "
        "~#Measure it again.}")
METRES_AND_CENTIMETRES = xml(question("numerical", "Cell", """
    <answer fraction="100"><text>3.5</text><tolerance>0.1</tolerance><feedback><text>Right.</text></feedback></answer>
    <units>
      <unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit>
      <unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>
    </units>""", text="How long is the cell?"))


def only(parsed):
    assert parsed.errors == [], parsed.errors
    [single] = parsed.questions
    return single


def stored(parsed_question):
    built = build_question({"en": parsed_question}, "en")
    return QUESTION_TYPES[built.qtype], built.definition


def grade(kind, definition, text):
    return kind.grade(definition, kind.clean(definition, {"text": text}), "en")


# --- reading ----------------------------------------------------------------------------

def test_gift_numbers_followed_by_a_unit_make_a_numerical_question_with_units():
    cell = only(parse_gift(CELL))
    assert cell.qtype == "numerical_units"
    assert [(a.low, a.high, a.fraction, a.source) for a in cell.answers] == [
        (pytest.approx(3.4), pytest.approx(3.6), 1.0, "3.5:0.1"), (3.0, 4.0, 0.5, "3.5:0.5"), (None, None, 0.0, "*")]
    assert cell.options["units"] == [{"name": "m", "multiplier": 1.0}]
    ranged = only(parse_gift("Q {#3.4..3.6 m}"))
    assert ranged.qtype == "numerical_units" and (ranged.answers[0].low, ranged.answers[0].high) == (3.4, 3.6)


def test_gift_numbers_without_a_unit_stay_numerical():
    for gift in ("Q {#3.5:0.1}", "Q {#3.4..3.6}", "Q {#1e3}", "Q {#=1822:0 =%50%1822:2 ~#Far off.}"):
        assert only(parse_gift(gift)).qtype == "numerical", gift


def test_gift_answers_in_two_units_are_an_error_on_their_line():
    result = parse_gift("::q:: How long? {#=3.5 m =350 cm}")
    assert result.questions == [] and result.errors[0].line == 1
    assert "same unit" in result.errors[0].message and "m, cm" in result.errors[0].message


def test_moodle_xml_units_are_read_with_their_multipliers_the_base_unit_first():
    cell = only(parse_moodle_xml(METRES_AND_CENTIMETRES))
    assert cell.qtype == "numerical_units" and cell.notes == []
    assert cell.options["units"] == [{"name": "m", "multiplier": 1.0}, {"name": "cm", "multiplier": 100.0}]


def test_moodle_xml_without_units_stays_numerical():
    plain = only(parse_moodle_xml(xml(question("numerical", "N", """
        <answer fraction="100"><text>1822</text><tolerance>0</tolerance></answer><units/>"""))))
    assert plain.qtype == "numerical"


def test_a_unit_without_a_positive_multiplier_is_an_error():
    data = xml(question("numerical", "Bad", """
        <answer fraction="100"><text>1</text></answer>
        <units><unit><multiplier>0</multiplier><unit_name>m</unit_name></unit></units>"""))
    assert "multiplier above zero: 'm'" in parse_moodle_xml(data).errors[0].message


# --- grading ----------------------------------------------------------------------------

def test_a_number_with_an_accepted_unit_or_none_is_graded_in_the_answers_unit():
    kind, definition = stored(only(parse_moodle_xml(METRES_AND_CENTIMETRES)))
    for typed in ("3.5", "3.5 m", "3.5m", "3,45 m", "350 cm", "355cm", "345 cm"):
        assert grade(kind, definition, typed).fraction == 1.0, typed
    assert grade(kind, definition, "3.5 cm").fraction == 0.0
    assert grade(kind, definition, "4 m").fraction == 0.0


def test_an_unknown_unit_scores_nothing_and_says_which_units_are_accepted():
    kind, definition = stored(only(parse_moodle_xml(METRES_AND_CENTIMETRES)))
    result = grade(kind, definition, "3.5 km")
    assert result.fraction == 0.0 and result.feedback == ["'km' is not one of the accepted units (m, cm)."]
    assert grade(kind, definition, "three metres").feedback == ["This is not a number."]


def test_partial_credit_and_feedback_as_for_numerical():
    kind, definition = stored(only(parse_gift(CELL)))
    close = grade(kind, definition, "3.8 m")
    assert close.fraction == 0.5 and close.feedback == ["Close."]
    assert grade(kind, definition, "9 m").feedback == ["Measure it again."]


def test_what_the_trainee_sees_is_the_units_and_never_the_answers():
    kind, definition = stored(only(parse_gift(CELL)))
    public = kind.public(definition, "en", None)
    assert public == {"units": ["m"]}
    review = kind.review(definition, "en", {"text": "3.5 m"}, None)
    assert [a["text"] for a in review["accepted"]] == ["3.5 ± 0.1 m", "3.5 ± 0.5 m"]


# --- an attempt -------------------------------------------------------------------------

@pytest.fixture
def units_quiz(session, quiz_course):
    """A quiz of the test course with one numerical question in metres or centimetres."""
    course = quiz_course["course"]
    report = bank.import_questions(session, course.id, METRES_AND_CENTIMETRES, filename="units.xml",
                                   category="Units")
    assert report.ok, report.errors
    cell = session.scalar(select(Question).where(Question.course_id == course.id, Question.name == "Cell"))
    quiz = Quiz(course_id=course.id, key="units", title={"en": "Units"}, pass_mark=50)
    session.add(quiz)
    session.flush()
    session.add(QuizSlot(quiz_id=quiz.id, position=1, question_id=cell.id))
    session.commit()
    return quiz


def test_a_trainee_answers_in_centimetres_through_the_api_and_reads_the_review(
        client, session, trainee, units_quiz, token_for):
    token = token_for(trainee)
    body = client.api("POST", f"/api/v1/quizzes/{units_quiz.id}/attempts", token=token).get_json()
    [item] = body["questions"]
    assert item["type"] == "numerical_units" and item["units"] == ["m", "cm"]
    submitted = client.api("POST", f"/api/v1/attempts/{body['id']}/submit", token=token,
                           json={"answers": [{"position": 1, "response": {"text": "352 cm"}}]})
    assert (submitted.get_json()["state"], submitted.get_json()["score"]) == ("graded", 100.0)
    review = client.api("GET", f"/api/v1/attempts/{body['id']}/review", token=token).get_json()
    assert review["questions"][0]["correct"]["accepted"][0]["text"] == "3.5 ± 0.1 m"


def test_the_attempt_page_asks_for_the_number_and_its_unit(client, session, trainee, units_quiz):
    login(client, trainee)
    started = client.form(f"/quizzes/{units_quiz.id}/start")
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'data-type="numerical_units" data-response="text"' in page
    assert "Write the number and its unit: m, cm." in page and "3.5" not in page
    saved = client.form(started.headers["Location"], {"action": "finish", "q1": "3.5 m"})
    assert saved.status_code == 303
    client.form(started.headers["Location"] + "/submit")
    review = client.get(started.headers["Location"] + "/review").get_data(as_text=True)
    assert "3.5 ± 0.1 m" in review
