"""Short answers: one matching policy in every language (docs/quizzes.md), across scripts."""

from __future__ import annotations

import shutil

import pytest

from lms.quizzes.types.short_answer import short_answer_matches, wildcards_of
from tests.quizzes.conftest import QUIZ_CONTENT
from tests.quizzes.test_content import COURSE, problems_in
from tests.quizzes.test_grading import grade, stored

pytestmark = pytest.mark.usefixtures("ctx")

SERBIAN = {"sr_Latn": "Q {=dinamička bezbednost#Tačno.}", "sr_Cyrl": "Q {=динамичка безбедност#Тачно.}",
           "cnr": "Q {=dinamička bezbjednost#Tačno.}", "bs": "Q {=dinamička sigurnost#Tačno.}",
           "mk": "Q {=динамичка безбедност#Точно.}", "sq": "Q {=siguri dinamike#Saktë.}"}


@pytest.mark.parametrize(("language", "typed"), [
    ("sr_Cyrl", "dinamička bezbednost"),   # Latin typed, Cyrillic key
    ("sr_Cyrl", "dinamicka bezbednost"),   # … and without diacritics
    ("sr_Latn", "динамичка безбедност"),   # Cyrillic typed, Latin key
    ("cnr", "динамичка безбједност"),
    ("cnr", "Dinamicka bezbjednost."),     # case and the full stop after it do not count
    ("mk", "dinamicka bezbednost"),
    ("sq", "Siguri dinamike"),
])
def test_a_key_accepts_the_same_answer_in_either_script(language, typed):
    kind, definition = stored("Q {=dynamic security#Right.}", **SERBIAN)
    assert grade(kind, definition, {"text": typed}, language).fraction == 1.0


@pytest.mark.parametrize("language", ["en", "sq", "bs", "sr_Latn", "sr_Cyrl", "mk", "cnr"])
def test_the_same_wrong_answer_fails_in_every_language(language):
    kind, definition = stored("Q {=dynamic security#Right.}", **SERBIAN)
    for wrong in ("security", "sigurnost", "безбедност", "bezbednost", "", "...", "*"):
        assert grade(kind, definition, {"text": wrong}, language).fraction == 0.0, (language, wrong)


def test_the_policy_is_the_same_in_every_language():
    # Case, diacritics, punctuation around the answer and spaces never count; inside it, they do.
    assert short_answer_matches("Shërbimi i provës", "  sherbimi   i PROVES! ")
    assert short_answer_matches("«Đorđe»", "djordje") and short_answer_matches("Ђорђе", "Dorde")
    assert not short_answer_matches("probation officer", "probation-officer")
    assert not short_answer_matches("Paris", "paris", case_sensitive=True)
    assert short_answer_matches("Paris", "Paris.", case_sensitive=True)
    # A wildcard is only what the key writes: an exact key is exact.
    assert not short_answer_matches("security", "dynamic security")
    assert short_answer_matches("*security", "dynamic security")


def test_where_an_answer_has_wildcards():
    assert wildcards_of("dynamic*") == (False, 0, True)
    assert wildcards_of("*siguri*") == (True, 0, True)
    assert wildcards_of("a*b") == (False, 1, False)
    assert wildcards_of("a\\*b") == (False, 0, False)


def test_a_translated_key_with_wildcards_the_original_lacks_is_reported(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(QUIZ_CONTENT, content)
    english, serbian = (content / COURSE / name for name in ("final.gift", "final.sr_Latn.gift"))
    english.write_text(english.read_text() + "\n::f-6:: Name the approach. {=dynamic security#Right.}\n")
    serbian.write_text(serbian.read_text() + "\n::f-6:: Navedite pristup. {=*bezbednost*#Tačno.}\n")
    problems = problems_in(content)
    assert len(problems) == 1 and problems[0].startswith(f"{COURSE}/final.sr_Latn.gift:")
    assert "'::f-6::' must have the same answers" in problems[0] and "'*bezbednost*' with wildcards" in problems[0]
    serbian.write_text(serbian.read_text().replace("{=*bezbednost*#", "{=dinamička bezbednost#"))
    assert problems_in(content) == []
