"""The GIFT reader: the whole format, Moodle's own example files, and clear errors with lines."""

from __future__ import annotations

import pytest

from lms.quizzes.gift import parse_gift
from tests.quizzes.conftest import moodle_fixture


def only(text: str):
    result = parse_gift(text)
    assert result.errors == [], result.errors
    assert len(result.questions) == 1
    return result.questions[0]


def errors_of(text: str) -> list[tuple[int, str]]:
    result = parse_gift(text)
    assert result.errors, "expected an error"
    return [(e.line, e.message) for e in result.errors]


# --- Moodle's fixture files, question by question --------------------------------------

def test_moodle_questions_fixture_imports_all_nine_questions_with_their_structure():
    result = parse_gift(moodle_fixture("questions.gift.txt").read_text())
    assert result.errors == []
    q = {(question.line, question.name): question for question in result.questions}
    assert [(question.line, question.name, question.qtype) for question in result.questions] == [
        (2, "Q8", "essay"),
        (5, "Moodle activities", "matching"),
        (14, "Q2", "single_choice"),
        (22, "colours", "multiple_response"),
        (31, "Q5", "numerical"),
        (34, "Shortanswer", "short_answer"),
        (41, "Q1", "true_false"),
        (46, "2-08 TSL", "true_false"),
        (49, "2-08 TSL", "true_false"),
    ]
    assert q[(2, "Q8")].text == "How are you?"

    match = q[(5, "Moodle activities")]
    assert match.text == "Match the <b>activity</b> to the description."   # [html]
    assert [(a.text, a.match) for a in match.answers] == [
        ("An activity supporting asynchronous discussions.", "Forum"),                          # [html]
        ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),  # [moodle]
        ("A bank of record entries which participants can add to.", "Database"),                # [plain]
        ("<p>A collection of web pages that anyone can add to or edit.</p>", "Wiki"),           # [markdown]
        ("", "Chat"),                                                                           # a distractor
    ]

    single = q[(14, "Q2")]
    assert [(a.text, a.fraction, a.feedback) for a in single.answers] == [
        ("yellow", 1.0, "right; good!"), ("red", 0.0, "wrong, it's yellow"), ("blue", 0.0, "wrong, it's yellow")]

    multi = q[(22, "colours")]
    assert [(a.text, a.fraction, a.feedback) for a in multi.answers] == [
        ("yellow", 0.5, "right; good!"), ("red", -1.0, "wrong"), ("off-beige", 0.5, "right; good!"),
        ("blue", -1.0, "wrong")]

    number = q[(31, "Q5")]
    assert [(a.low, a.high, a.fraction, a.feedback) for a in number.answers] == [
        (1.0, 5.0, 1.0, ""), (None, None, 0.0, "Completely wrong")]   # {#3:2~#…}: any other answer
    assert number.text == 'What is a number from 1 to 5? _____";'     # stray characters kept, as Moodle does
    assert number.notes

    short = q[(34, "Shortanswer")]
    assert [(a.text, a.fraction, a.feedback) for a in short.answers] == [
        ("Frog", 1.0, "Good!"), ("Cat", 0.5, "What is it with Moodlers and cats?"), ("*", 0.0, "Completely wrong")]

    tf = q[(41, "Q1")]
    assert tf.options == {"correct": False, "feedback_true": "42 is the Ultimate Answer.",
                          "feedback_false": "You gave the right answer."}
    assert tf.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert q[(46, "2-08 TSL")].options["correct"] is True      # {T}
    assert q[(49, "2-08 TSL")].options["correct"] is True      # {TRUE}


def test_moodle_examples_fixture_imports_every_documented_example():
    result = parse_gift(moodle_fixture("examples.gift.txt").read_text())
    assert result.errors == []
    assert len(result.questions) == 43
    by_line = {question.line: question for question in result.questions}
    types = {}
    for question in result.questions:
        types[question.qtype] = types.get(question.qtype, 0) + 1
    assert types == {"single_choice": 16, "true_false": 5, "short_answer": 9, "numerical": 8,
                     "matching": 3, "multiple_response": 2}
    # Missing word: the blank stands where the answers were.
    assert by_line[10].text == "Grant is _____ in Grant's tomb."
    assert [a.fraction for a in by_line[10].answers] == [0.0, 1.0, 0.0]
    # Multi-line answers, and a name.
    assert by_line[90].name == "Kanji Origins" and by_line[90].qtype == "short_answer"
    # Numerical: exact, tolerance, range, alternatives with partial credit.
    assert (by_line[70].answers[0].low, by_line[70].answers[0].high) == (1822.0, 1822.0)
    assert by_line[72].answers[0].low == pytest.approx(3.141) and by_line[72].answers[0].high == pytest.approx(3.142)
    assert (by_line[74].answers[0].low, by_line[74].answers[0].high) == (3.141, 3.142)
    assert [(a.low, a.high, a.fraction) for a in by_line[76].answers] == [(1822, 1822, 1.0), (1820, 1824, 0.5)]
    # [markdown] question text and feedback.
    assert by_line[108].text == "<p>Who's buried in <strong>Grant's tomb</strong>?</p>"
    assert by_line[108].answers[0].feedback == "<p>excellent answer!</p>"
    # Percentage weights on a single-choice question.
    assert [a.fraction for a in by_line[117].answers] == [0.0, 0.25, 0.5, 1.0]
    # Multiple answers with negative weights.
    assert [a.fraction for a in by_line[136].answers] == [-0.5, 0.5, 0.5, -0.5]
    # Escapes: \= \~ \# \{ \} \\ in answers and feedback.
    assert [a.text for a in by_line[143].answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = by_line[148]
    assert [a.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert control.answers[2].feedback == "# is a control character."
    assert control.answers[5].fraction == 1.0
    assert "it is used to escape the control characters" in control.answers[5].feedback   # multi-line feedback
    # Multi-line numerical feedback.
    assert "You get 50% credit for being close." in by_line[202].answers[1].feedback


# --- the format, piece by piece -------------------------------------------------------

def test_name_markers_and_comments():
    result = parse_gift("// a comment\n::First::[plain]Is <b> shown as text?{T#No.#Yes.}\n\n"
                        "// another\n\n[markdown]Some *stress*.{=yes}\n")
    first, second = result.questions
    assert (first.name, first.line, first.text) == ("First", 2, "Is &lt;b&gt; shown as text?")
    assert second.text == "<p>Some <em>stress</em>.</p>" and second.name == "Some stress." and not second.named


def test_escaped_colon_and_newline_in_a_name_and_text():
    question = only("::Time\\: 10\\:30:: The meeting starts at 10\\:30.\\nBe on time. {T}")
    assert question.name == "Time: 10:30"
    assert question.text == "The meeting starts at 10:30.<br>\nBe on time."


def test_categories_apply_to_the_questions_that_follow():
    result = parse_gift("$CATEGORY: $course$/top/Rights/ECHR\n\n::a:: A? {T}\n\n$CATEGORY: Other\n::b:: B? {F}\n")
    assert [(c.path, c.line) for c in result.categories] == [("Rights/ECHR", 1), ("Other", 5)]
    assert [(q.name, q.category) for q in result.questions] == [("a", "Rights/ECHR"), ("b", "Other")]


def test_true_false_forms_and_their_feedback():
    assert only("Q {T}").options["correct"] is True
    assert only("Q {TRUE}").options["correct"] is True
    assert only("Q {F}").options["correct"] is False
    assert only("Q {FALSE}").options["correct"] is False
    right_is_true = only("Q {T#You said false: wrong.#You said true: right.}")
    assert right_is_true.options["feedback_false"] == "You said false: wrong."
    assert right_is_true.options["feedback_true"] == "You said true: right."


def test_an_empty_answer_block_is_an_essay_with_general_feedback():
    question = only("::e:: Discuss. {\n####Look for balance.\n}")
    assert question.qtype == "essay" and question.general_feedback == "Look for balance."


def test_text_without_answers_is_a_description():
    question = only("::intro:: Read the case below carefully.")
    assert question.qtype == "description" and question.text == "Read the case below carefully."


def test_single_and_multiple_choice_are_told_apart_by_an_equals_sign():
    assert only("Q {=a ~b}").qtype == "single_choice"
    assert only("Q {~%50%a ~%50%b ~c}").qtype == "multiple_response"


def test_decimal_and_negative_weights():
    question = only("Q {~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-25%d}")
    assert [a.fraction for a in question.answers] == pytest.approx([0.3333333, 0.3333333, 0.3333334, -0.25])


# --- errors: line, message, nothing imported ------------------------------------------

def test_unbalanced_braces_are_reported_at_the_line_that_opened_them():
    assert errors_of("::a:: Fine? {T}\n\n::b:: Broken? {\n=yes\n~no\n\n::c:: Next? {F}\n")[0][0] == 3
    assert "not closed" in errors_of("::b:: Broken? {\n=yes\n")[0][1]
    line, message = errors_of("::b:: Broken? }=yes{\n")[0]
    assert line == 1 and "without an opening" in message


def test_a_second_brace_inside_the_answers_is_an_error():
    line, message = errors_of("::a:: Q? {\n=yes\n~no {maybe}\n}\n")[0]
    assert line == 3 and "second '{'" in message


def test_an_answer_without_a_question_is_an_error():
    assert errors_of("::a:: {=yes ~no}\n") == [(1, "Answers without a question: write the question text before '{'.")]
    line, message = errors_of("::a:: Q? {T}\n\n~ a stray answer\n")[0]
    assert line == 3 and "without a question" in message


def test_a_weight_of_150_percent_is_an_error_on_its_line():
    line, message = errors_of("::a:: Q? {\n=yes\n~%150%no\n}\n")[0]
    assert line == 3 and "150%" in message and "-100% to 100%" in message


def test_a_malformed_weight_is_an_error():
    assert "not a weight" in errors_of("Q {~%half%a =b}")[0][1]


def test_multiple_response_weights_must_add_up_to_100():
    assert "add up to 80%" in errors_of("Q {~%40%a ~%40%b ~c}")[0][1]


def test_single_choice_needs_a_fully_right_answer():
    assert "100%" in errors_of("Q {=%50%a ~b}")[0][1]


def test_numerical_answers_must_be_numbers():
    line, message = errors_of("::n:: How many? {#\n=twelve\n}")[0]
    assert line == 2 and "'twelve' is not a number" in message


def test_matching_needs_arrows_and_two_pairs():
    assert "no '->'" in errors_of("Q {=a -> 1 =b 2}")[0][1]
    assert "two pairs" in errors_of("Q {=a -> 1 = -> 2}")[0][1]


def test_text_before_the_first_answer_is_an_error():
    assert "before the first answer" in errors_of("Q {stray ~a =b}")[0][1]


def test_an_unclosed_name_is_an_error():
    assert "not closed with '::'" in errors_of("::name Q {T}")[0][1]


def test_every_problem_of_a_file_is_reported_not_just_the_first():
    result = parse_gift("::a:: Q? {~%150%x =y}\n\n::b:: Fine {T}\n\n::c:: Q? {\n=open\n")
    assert [e.line for e in result.errors] == [1, 5]
    assert [q.name for q in result.questions] == ["b"]
