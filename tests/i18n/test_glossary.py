"""The programme glossary: checked with the content, imported with it, shown to trainees in their
language and in English, and used by every shipped catalogue wherever the English uses a term."""

from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.catalog import Catalog

from lms.core.catalogues import CONTENT_DIRS, po_path, read_catalogue
from lms.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, SHIPPED
from lms.courses.content import Problems, check_content
from lms.courses.importer import import_content
from lms.extensions import db
from lms.glossary.consistency import (
    catalogue_mismatches,
    content_mismatches,
    glossary_terms,
    mismatches,
    uses_term,
)
from lms.glossary.content import check_glossary
from lms.glossary.models import GlossaryTerm
from tests.conftest import FIXTURES, ROOT, login

GLOSSARY = ROOT / "content" / "glossary.yaml"


@pytest.fixture(scope="module")
def programme_glossary():
    problems = Problems()
    specs = check_glossary(GLOSSARY, problems)
    assert not problems, [str(p) for p in problems]
    return specs


# --- consistency ------------------------------------------------------------------------

def test_the_programme_glossary_has_every_key_term_in_every_language(programme_glossary):
    ids = {spec.slug for spec in programme_glossary}
    for wanted in ("radicalisation", "violent_extremism", "violent_extremist_prisoner", "disengagement",
                   "dynamic_security", "risk_and_needs_assessment", "structured_professional_judgement",
                   "probation", "conditional_release", "post_penal_support", "multi_agency_cooperation",
                   "pcve_coordination_body"):
        assert wanted in ids
    assert all(set(spec.term) == set(LANGUAGES) == set(spec.definition) for spec in programme_glossary)


@pytest.mark.parametrize("code", [code for code in SHIPPED if code != DEFAULT_LANGUAGE])
def test_shipped_catalogues_use_the_glossary_term_where_the_english_does(code, programme_glossary):
    found = catalogue_mismatches(glossary_terms(programme_glossary, code), read_catalogue(po_path(code), code))
    assert not found, "\n".join(str(m) for m in found[:10])


@pytest.mark.parametrize("folder", CONTENT_DIRS)
def test_course_texts_use_the_glossary_terms_too(folder, programme_glossary):
    assert content_mismatches(ROOT / folder, programme_glossary) == []


TERMS = [("case_study", "case study", "studija slučaja"), ("probation", "probation", "probacija"),
         ("violent_extremism", "violent extremism", "nasilni ekstremizam"), ("tutor", "tutor", "tutor"),
         ("enrolment_key", "enrolment key", "ključ za upis")]


def test_the_rule_allows_grammatical_endings_and_other_word_orders():
    assert uses_term("Pročitajte studiju slučaja", "studija slučaja")
    assert uses_term("Obuka probacionih službi", "probacija")
    assert uses_term("prevencija nasilnog ekstremizma", "nasilni ekstremizam")
    assert uses_term("Upišite se ključem za upis", "ključ za upis")
    assert uses_term("ПРЕВЕНЦИЈА НАСИЛНОГ ЕКСТРЕМИЗМА", "насилни екстремизам")


def test_a_term_inside_a_longer_term_is_the_longer_terms_business():
    terms = [("probation", "probation", "probacija"), ("probation_officer", "probation officer", "poverenik")]
    assert mismatches(terms, "Probation officer", "Poverenik") == []
    found = mismatches(terms, "The probation service and its probation officers", "Služba i njeni poverenici")
    assert [m.term_id for m in found] == ["probation"]  # used on its own too: the translation needs it


def test_the_rule_finds_a_translation_that_does_not_use_the_term():
    [found] = mismatches(TERMS, "Case studies awaiting review", "Slučajevi koji čekaju na pregled")
    assert found.term_id == "case_study" and "studija slučaja" in str(found)
    assert mismatches(TERMS, "Prison and probation staff", "Zatvorsko i penitencijarno osoblje")[0].term_id == "probation"


def test_the_rule_reads_whole_words_of_the_english_only_and_skips_placeholders():
    assert mismatches(TERMS, "Probationary period", "Probni rad") == []
    assert mismatches(TERMS, "Review by {tutor}", "Pregledao/la {tutor}") == []
    assert mismatches(TERMS, "Tutors: %(names)s", "Mentori: %(names)s")[0].term_id == "tutor"


def test_a_translator_comment_exempts_a_message():
    catalogue = Catalog(locale="sr_Latn")
    catalogue.add("Case study", "Slučaj", user_comments=["glossary-ok: case_study"])
    catalogue.add("Your tutor", "Vaš mentor")
    found = catalogue_mismatches(TERMS, catalogue)
    assert [m.term_id for m in found] == ["tutor"]


# --- content check and import -------------------------------------------------------------

def _problems(root) -> list[str]:
    return [str(p) for p in check_content(root)]


def test_the_glossary_is_checked_with_the_content_and_its_problems_have_lines(ctx, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "i18n", root)
    text = (root / "glossary.yaml").read_text()
    text = text.replace("  - id: probation\n", "  - id: radicalisation\n", 1)  # a duplicate id
    text = re.sub(r"\n      mk: радикализација\n", "\n", text, count=1)  # a missing locale
    text = text.replace("  - id: tutor\n", "  - id: tutor\n    colour: blue\n", 1)
    (root / "glossary.yaml").write_text(text)
    problems = _problems(root)
    assert any(re.search(r"glossary\.yaml:\d+: term 'radicalisation' has no 'mk' text", p) for p in problems)
    assert any(re.search(r"glossary\.yaml:\d+: duplicate id 'radicalisation' \(first on line \d+\)", p)
               for p in problems)
    assert any(re.search(r"glossary\.yaml:\d+: unknown key 'colour'", p) for p in problems)


def test_a_glossary_without_its_cyrillic_text_says_to_run_make_translations(ctx, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "i18n", root)
    lines = (root / "glossary.yaml").read_text().splitlines(keepends=True)
    (root / "glossary.yaml").write_text("".join(line for line in lines if not line.startswith("      sr_Cyrl:")))
    problems = _problems(root)
    assert any("term 'lesson' has no 'sr_Cyrl' text (run `make translations`" in p for p in problems)


def test_a_glossary_that_is_not_a_list_of_terms_is_one_clear_problem(ctx, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "i18n", root)
    (root / "glossary.yaml").write_text("radicalisation: a process\n")
    assert any("must be a mapping with a non-empty list `terms`" in p for p in _problems(root))


def test_the_glossary_is_imported_with_the_content_once(session, i18n_content):
    terms = session.scalars(db.select(GlossaryTerm).order_by(GlossaryTerm.position)).all()
    assert [t.slug for t in terms][:2] == ["radicalisation", "dynamic_security"]
    assert terms[0].term["sr_Cyrl"] == "радикализација"
    again = {r.slug: r.action for r in import_content(session, FIXTURES / "i18n")}
    assert again["glossary.yaml"] == "unchanged"


def test_a_changed_glossary_updates_terms_in_place_and_drops_removed_ones(tmp_path, session, i18n_content):
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "i18n", root)
    text = (root / "glossary.yaml").read_text()
    start = text.index("  - id: tutor\n")
    end = text.index("  - id: ", start + 1)
    text = (text[:start] + text[end:]).replace("en: dynamic security", "en: Dynamic security")
    (root / "glossary.yaml").write_text(text)
    results = {r.slug: r.action for r in import_content(session, root)}
    session.commit()
    assert results["glossary.yaml"] == "updated"
    slugs = set(session.scalars(db.select(GlossaryTerm.slug)))
    assert "tutor" not in slugs and len(slugs) == 5
    assert session.scalar(db.select(GlossaryTerm).where(GlossaryTerm.slug == "dynamic_security")).term["en"] == \
        "Dynamic security"


# --- the page ---------------------------------------------------------------------------

def _terms_on(html: str) -> list[str]:
    return re.findall(r'<dt id="[^"]+"><span data-content lang="[^"]+">([^<]+)</span></dt>', html)


def test_the_glossary_shows_each_term_in_the_readers_language_and_english_in_their_order(
        client, make_user, i18n_content):
    login(client, make_user(language="sr_Latn"))
    html = client.get("/glossary").get_data(as_text=True)
    terms = _terms_on(html)
    assert terms == ["dinamička bezbednost", "lekcija", "probacija", "radikalizacija", "studija slučaja", "tutor"]
    assert 'Na engleskom: <span data-content lang="en">dynamic security</span>' in html
    assert "Bezbednost koja proističe iz toga što zaposleni poznaju" in html  # the definition, in Serbian


def test_cyrillic_and_macedonian_readers_get_their_alphabets_order(app, make_user, i18n_content):
    expected = {
        "sr_Cyrl": ["динамичка безбедност", "лекција", "пробација", "радикализација", "студија случаја", "тутор"],
        "mk": ["динамичка безбедност", "лекција", "пробација", "радикализација", "студија на случај", "тутор"],
        "sq": ["mësim", "provë", "radikalizim", "rast studimi", "siguri dinamike", "tutor"],
    }
    for code, wanted in expected.items():
        client = app.test_client()
        login(client, make_user(language=code))
        assert _terms_on(client.get("/glossary").get_data(as_text=True)) == wanted, code


def test_searching_finds_terms_in_either_language_and_either_script(client, make_user, i18n_content):
    login(client, make_user(language="sr_Cyrl"))
    assert _terms_on(client.get("/glossary?q=безбедн").get_data(as_text=True)) == ["динамичка безбедност"]
    assert _terms_on(client.get("/glossary?q=bezbednost").get_data(as_text=True)) == ["динамичка безбедност"]
    assert _terms_on(client.get("/glossary?q=case+study").get_data(as_text=True)) == ["студија случаја"]
    html = client.get("/glossary?q=nothing-like-this").get_data(as_text=True)
    assert _terms_on(html) == [] and "Ниједан појам не одговара претрази." in html


def test_search_ignores_accents_so_a_term_is_found_as_typed_on_any_keyboard(client, i18n_content):
    html = client.get("/glossary?q=dinamicka", headers={"Accept-Language": "sr-Latn"}).get_data(as_text=True)
    assert _terms_on(html) == ["dinamička bezbednost"]


def test_signed_in_users_find_the_glossary_in_the_menu_and_beside_every_lesson(client, session, make_user,
                                                                               i18n_content):
    assert 'href="/glossary"' not in client.get("/").get_data(as_text=True)
    trainee = make_user()
    login(client, trainee)
    assert '<a href="/glossary">Glossary</a>' in client.get("/dashboard").get_data(as_text=True)
    from lms.courses.operations import ensure_enrolment

    ensure_enrolment(session, trainee, i18n_content)
    session.commit()
    lesson = client.get("/courses/serbian-scripts/rights/echr").get_data(as_text=True)
    assert '<a href="/glossary">Glossary of key terms</a>' in lesson


def test_an_empty_glossary_says_why(client):
    assert "it is filled when the course content is imported" in client.get("/glossary").get_data(as_text=True)
