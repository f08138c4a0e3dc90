"""Each question type grades itself: partial credit, negative weights, wildcards, numerical
ranges and alternatives, matching with a distractor, and responses it must refuse."""

from __future__ import annotations

import random

import pytest

from lms.quizzes.bank import build_question
from lms.quizzes.gift import parse_gift
from lms.quizzes.types import QUESTION_TYPES
from lms.quizzes.types.numerical import parse_number
from lms.quizzes.types.short_answer import short_answer_matches


def stored(gift: str, **languages: str):
    """A question's type and definition from GIFT (translations as keyword arguments)."""
    result = parse_gift(gift)
    assert result.errors == [], result.errors
    variants = {"en": result.questions[0]}
    for language, text in languages.items():
        variants[language] = parse_gift(text).questions[0]
    question = build_question(variants, "en")
    return QUESTION_TYPES[question.qtype], question.definition


def grade(kind, definition, response, language="en"):
    return kind.grade(definition, kind.clean(definition, response), language)


def key(definition: dict, text: str) -> int:
    """The key of a choice, by its text."""
    return next(i for i, answer in enumerate(definition["answers"]) if answer["text"]["en"] == text)


# --- single choice ---------------------------------------------------------------------

def test_single_choice_gives_the_chosen_answers_credit_and_feedback():
    kind, definition = stored("Q {=right#Well done. ~%50%half#Nearly. ~wrong#No.}")
    assert grade(kind, definition, {"choice": key(definition, "right")}).fraction == 1.0
    half = grade(kind, definition, {"choice": key(definition, "half")})
    assert half.fraction == 0.5 and half.feedback == ["Nearly."]
    assert grade(kind, definition, {"choice": key(definition, "wrong")}).fraction == 0.0
    assert grade(kind, definition, None).fraction == 0.0


def test_single_choice_with_a_negative_weight_never_goes_below_zero():
    kind, definition = stored("Q {=right ~%-50%harmful}")
    assert grade(kind, definition, {"choice": key(definition, "harmful")}).fraction == 0.0


def test_a_choices_key_says_nothing_of_where_the_author_wrote_it():
    kind, definition = stored("Q {=Zagreb#Right. ~Athens ~Berlin ~Madrid}")     # the right answer first
    assert key(definition, "Zagreb") == 3                                      # keys follow the texts
    assert [definition["answers"][k]["text"]["en"] for k in kind.answer_order(definition, False, None)] == [
        "Zagreb", "Athens", "Berlin", "Madrid"]                                 # unshuffled: as written


def test_single_choice_refuses_a_choice_that_does_not_exist():
    kind, definition = stored("Q {=a ~b}")
    with pytest.raises(ValueError):
        kind.clean(definition, {"choice": 7})
    with pytest.raises(ValueError):
        kind.clean(definition, {"choice": "b"})


# --- multiple response -----------------------------------------------------------------

def test_multiple_response_adds_weights_with_negatives_and_clamps_to_zero_and_one():
    kind, definition = stored("Q {~%50%a#A yes ~%50%b#B yes ~%-100%c#C no ~%-50%d#D no}")
    assert grade(kind, definition, {"choices": [0, 1]}).fraction == 1.0
    assert grade(kind, definition, {"choices": [0]}).fraction == 0.5
    assert grade(kind, definition, {"choices": [0, 1, 3]}).fraction == 0.5
    assert grade(kind, definition, {"choices": [0, 2]}).fraction == 0.0        # -0.5 clamped to 0
    assert grade(kind, definition, {"choices": [0, 1, 2, 3]}).fraction == 0.0  # -0.5 clamped to 0
    assert grade(kind, definition, {"choices": [0, 3]}).feedback == ["A yes", "D no"]


def test_multiple_response_counts_a_choice_once():
    kind, definition = stored("Q {~%50%a ~%50%b ~c}")
    assert kind.clean(definition, {"choices": [0, "0", 0]}) == {"choices": [0]}
    assert grade(kind, definition, {"choices": [0, 0]}).fraction == 0.5


def test_multiple_response_over_100_percent_is_clamped_to_one():
    kind, definition = stored("Q {~%50%a ~%50%b ~c}")
    definition["answers"][2]["fraction"] = 0.5  # a hand-edited definition
    assert grade(kind, definition, {"choices": [0, 1, 2]}).fraction == 1.0


# --- true/false ------------------------------------------------------------------------

def test_true_false_grades_and_gives_the_feedback_of_the_answer_given():
    kind, definition = stored("Q {F#You said true: wrong.#You said false: right.}")
    right = grade(kind, definition, {"value": False})
    assert right.fraction == 1.0 and right.feedback == ["You said false: right."]
    wrong = grade(kind, definition, {"value": "true"})
    assert wrong.fraction == 0.0 and wrong.feedback == ["You said true: wrong."]


# --- short answer ----------------------------------------------------------------------

def test_short_answer_accepts_several_answers_each_with_its_credit_case_insensitively():
    kind, definition = stored("Q {=Nazareth#Yes! =%75%Nazereth#Misspelled. =%25%Bethlehem#Born there.}")
    assert grade(kind, definition, {"text": "nazareth"}).fraction == 1.0
    assert grade(kind, definition, {"text": "  NAZERETH "}).fraction == 0.75
    assert grade(kind, definition, {"text": "Bethlehem"}).feedback == ["Born there."]
    assert grade(kind, definition, {"text": "Rome"}).fraction == 0.0


def test_short_answer_wildcard_matches_any_text_in_its_place():
    kind, definition = stored("Q {=pull factor*#Yes. =%50%pu*l#Nearly.}")
    assert grade(kind, definition, {"text": "pull factors"}).fraction == 1.0
    assert grade(kind, definition, {"text": "Pull factor"}).fraction == 1.0
    assert grade(kind, definition, {"text": "push factor"}).fraction == 0.0
    assert grade(kind, definition, {"text": "pu-l"}).fraction == 0.5


def test_a_catch_all_wildcard_does_not_beat_a_better_answer():
    kind, definition = stored("Q {=%0%*#Wrong. =Frog#Good!}")
    result = grade(kind, definition, {"text": "frog"})
    assert result.fraction == 1.0 and result.feedback == ["Good!"]
    assert grade(kind, definition, {"text": "cat"}).feedback == ["Wrong."]


def test_wildcard_helpers():
    assert short_answer_matches("a*c", "abbbc")
    assert short_answer_matches("a\\*c", "a*c") and not short_answer_matches("a\\*c", "abc")
    assert short_answer_matches("straße", "STRASSE")           # full case folding
    assert not short_answer_matches("Paris", "paris", case_sensitive=True)
    assert short_answer_matches("a.b", "a.b") and not short_answer_matches("a.b", "axb")  # literal dots


def test_short_answer_is_graded_with_the_accepted_answers_of_the_language_shown():
    kind, definition = stored("Q {=dynamic security#Right.}", sr_Latn="Q {=dinamička bezbednost#Tačno.}")
    assert grade(kind, definition, {"text": "dinamička bezbednost"}, "sr_Latn").fraction == 1.0
    assert grade(kind, definition, {"text": "dinamička bezbednost"}, "en").fraction == 0.0
    assert grade(kind, definition, {"text": "dynamic security"}, "en").feedback == ["Right."]


# --- numerical -------------------------------------------------------------------------

def test_numerical_exact_and_tolerance():
    kind, definition = stored("Q {#1822:2}")
    assert [grade(kind, definition, {"text": t}).fraction for t in ("1820", "1824", "1822.5", "1819.9", "1825")] \
        == [1.0, 1.0, 1.0, 0.0, 0.0]
    kind, exact = stored("Q {#4}")
    assert grade(kind, exact, {"text": "4.0"}).fraction == 1.0 and grade(kind, exact, {"text": "4.01"}).fraction == 0


def test_numerical_range():
    kind, definition = stored("Q {#3.141..3.142}")
    assert grade(kind, definition, {"text": "3.1415"}).fraction == 1.0
    assert grade(kind, definition, {"text": "3,142"}).fraction == 1.0           # a decimal comma
    assert grade(kind, definition, {"text": "3.143"}).fraction == 0.0


def test_numerical_alternatives_give_partial_credit_and_the_best_one_wins():
    kind, definition = stored("Q {#=%50%1822:2#Close. =1822:0#Exact. ~#Far off.}")
    exact = grade(kind, definition, {"text": "1822"})
    assert exact.fraction == 1.0 and exact.feedback == ["Exact."]
    close = grade(kind, definition, {"text": "1821"})
    assert close.fraction == 0.5 and close.feedback == ["Close."]
    far = grade(kind, definition, {"text": "1700"})
    assert far.fraction == 0.0 and far.feedback == ["Far off."]
    assert grade(kind, definition, {"text": "eighteen"}).fraction == 0.0


def test_numbers_as_trainees_type_them():
    assert parse_number("1 822") == 1822 and parse_number("1,822.5") == 1822.5 and parse_number("−3") == -3
    assert parse_number("3,5") == 3.5 and parse_number("1e3") == 1000
    assert parse_number("abc") is None and parse_number("inf") is None and parse_number("") is None


# --- matching --------------------------------------------------------------------------

MATCH = "Q {=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Paris ####Capitals.}"


def test_matching_gives_a_share_per_right_pair_and_the_distractor_earns_nothing():
    kind, definition = stored(MATCH)
    choices = {text["en"]: key for key, text in enumerate(definition["choices"])}
    assert set(choices) == {"Ottawa", "Rome", "Tokyo", "Paris"}      # the distractor is a choice
    assert len(definition["stems"]) == 3                              # …but not an item to match
    right = {"0": choices["Ottawa"], "1": choices["Rome"], "2": choices["Tokyo"]}
    assert grade(kind, definition, {"matches": right}).fraction == 1.0
    assert grade(kind, definition, {"matches": {**right, "2": choices["Paris"]}}).fraction == pytest.approx(2 / 3)
    assert grade(kind, definition, {"matches": {"0": choices["Ottawa"]}}).fraction == pytest.approx(1 / 3)
    assert grade(kind, definition, {"matches": {"0": choices["Paris"]}}).fraction == 0.0


def test_matching_choice_keys_say_nothing_about_the_pairs_and_are_shuffled_per_attempt():
    kind, definition = stored(MATCH)
    assert [c["en"] for c in definition["choices"]] == ["Ottawa", "Paris", "Rome", "Tokyo"]   # sorted by text
    orders = {tuple(kind.answer_order(definition, False, random.Random(seed))) for seed in range(20)}
    assert len(orders) > 1        # shuffled even when the quiz does not shuffle answers
    public = kind.public(definition, "en", [3, 1, 0, 2])
    assert [c["text"] for c in public["choices"]] == ["Tokyo", "Paris", "Ottawa", "Rome"]
    assert "choice" not in str(public["stems"])


def test_matching_refuses_unknown_items_and_choices():
    kind, definition = stored(MATCH)
    for bad in ({"matches": {"9": 0}}, {"matches": {"0": 9}}, {"matches": ["a"]}):
        with pytest.raises(ValueError):
            kind.clean(definition, bad)


# --- essay and what nobody sees --------------------------------------------------------

def test_an_answered_essay_waits_for_a_tutor_and_an_empty_one_scores_zero():
    kind, definition = stored("Q {}")
    assert grade(kind, definition, {"text": "My answer."}).fraction is None
    assert grade(kind, definition, {"text": "   "}).fraction == 0.0
    assert not kind.auto_graded


def test_what_a_trainee_sees_while_answering_holds_no_weight_or_feedback():
    for gift in ("Q {=right#FB1 ~wrong#FB2}", "Q {~%50%a#FB1 ~%50%b#FB2 ~%-100%c#FB3}", MATCH,
                 "Q {=dynamic#FB1}", "Q {#1822:2#FB1}", "Q {T#FB1#FB2}"):
        kind, definition = stored(gift)
        order = kind.answer_order(definition, True, random.Random(1))
        public = str(kind.public(definition, "en", order))
        assert "FB" not in public and "fraction" not in public and "1822" not in public
        assert "dynamic" not in public and "correct" not in public
