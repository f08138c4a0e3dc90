"""The catalogues: every shipped one complete, in step with the code, its placeholders intact;
each with its language's plural rule; Serbian Cyrillic always the Latin one transliterated."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from lms.core.catalogues import (
    CONTENT_DIRS,
    TRANSLATIONS,
    extract,
    po_path,
    read_catalogue,
    rendered_cyrillic,
)
from lms.core.i18n import DEFAULT_LANGUAGE, GENERATED_FROM, LANGUAGES, SHIPPED
from lms.core.transliteration import content_changes
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]+\)[a-z]|%[sd]")


@pytest.fixture(scope="module")
def extracted():
    """The messages of the code and templates, extracted now (not the checked-in .pot)."""
    return {message.id: message for message in extract() if message.id}


def _catalogue(code: str):
    return read_catalogue(po_path(code), code)


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def test_the_shipped_languages_are_declared_known_and_include_english():
    assert DEFAULT_LANGUAGE in SHIPPED
    assert set(SHIPPED) <= set(LANGUAGES)
    for code, source in GENERATED_FROM.items():
        assert code not in SHIPPED or source in SHIPPED, f"{code} is shipped, so {source} must be"


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_language_has_a_catalogue_with_its_plural_rule(code):
    path = po_path(code)
    assert path.is_file(), f"{path} is missing: run `make translations`"
    with path.open("rb") as handle:
        header = read_po(handle).mime_headers
    headers = dict(header)
    assert headers["Language"] == code
    assert headers["Plural-Forms"] == LANGUAGES[code].plural_forms


def test_slavic_languages_have_three_plural_forms_and_macedonian_and_albanian_two():
    forms = {code: int(re.search(r"nplurals=(\d)", lang.plural_forms).group(1)) for code, lang in LANGUAGES.items()}
    assert forms == {"en": 2, "sq": 2, "bs": 3, "sr_Latn": 3, "sr_Cyrl": 3, "mk": 2, "cnr": 3}


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_catalogue_is_in_step_with_the_code(code, extracted):
    """Every message of the code is in every catalogue, and nothing else (run `make translations`)."""
    ids = {message.id for message in _catalogue(code) if message.id}
    missing = sorted(str(i) for i in set(extracted) - ids)
    stale = sorted(str(i) for i in ids - set(extracted))
    assert not missing, f"{code}: {len(missing)} message(s) of the code are not in the catalogue, e.g. {missing[:5]}"
    assert not stale, f"{code}: {len(stale)} message(s) are no longer in the code, e.g. {stale[:5]}"


@pytest.mark.parametrize("code", [code for code in SHIPPED if code != DEFAULT_LANGUAGE])
def test_shipped_catalogues_translate_every_message_without_fuzzy_entries(code, extracted):
    catalogue = _catalogue(code)
    untranslated, fuzzy = [], []
    for msgid in extracted:
        message = catalogue.get(msgid)
        if message is None or not all(_forms(message)):
            untranslated.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_english_is_the_source_and_needs_no_translation(extracted):
    """English msgstrs may stay empty (gettext shows the msgid); any that are filled keep its placeholders."""
    for message in _catalogue("en"):
        for form in _forms(message):
            if message.id and form:
                source = message.id if isinstance(message.id, str) else message.id[-1]
                assert _placeholders(form) == _placeholders(source), message.id


@pytest.mark.parametrize("code", [code for code in LANGUAGES if code != DEFAULT_LANGUAGE])
def test_translations_keep_the_placeholders_of_the_original(code):
    """Checked in every catalogue, shipped or not: a broken placeholder is a crash, not an English word.

    Every plural form has the placeholders of the English plural: in the Slavic languages the
    "singular" form also says 21, 31…, so it needs the number too.
    """
    wrong = []
    for message in _catalogue(code):
        if not message.id:
            continue
        original = message.id[1] if isinstance(message.id, tuple | list) else message.id
        for form in _forms(message):
            if form and _placeholders(form) != _placeholders(original):
                wrong.append((original, form))
    assert not wrong, f"{code}: placeholders differ from the original in {wrong[:5]}"


def _meaning(catalogue) -> dict:
    """What a catalogue says, not how a Babel version writes it: every message with its
    translation, context, flags and comments, and the headers a translation depends on."""
    headers = dict(catalogue.mime_headers)
    messages = {
        (message.context, message.id): (message.string, sorted(message.flags), message.auto_comments)
        for message in catalogue if message.id
    }
    return {"language": headers.get("Language"), "plural": headers.get("Plural-Forms"),
            "messages": messages}


def test_serbian_cyrillic_catalogue_is_the_latin_one_transliterated():
    from io import BytesIO

    expected = read_po(BytesIO(rendered_cyrillic(TRANSLATIONS)))
    with po_path("sr_Cyrl").open("rb") as handle:
        actual = read_po(handle)
    assert _meaning(actual) == _meaning(expected), (
        "translations/sr_Cyrl is out of step with sr_Latn: run `make translations`")


@pytest.mark.parametrize("folder", CONTENT_DIRS)
def test_serbian_cyrillic_content_is_the_latin_content_transliterated(folder):
    changes = content_changes(ROOT / folder)
    assert not changes, "out of step with the Latin text (run `make translations`): " + ", ".join(
        f"{change.path.relative_to(ROOT)} ({change.reason})" for change in changes[:5])


def test_translator_comments_reach_the_catalogues():
    """`{# i18n: … #}` in templates and `# i18n: …` in code explain ambiguous strings."""
    commented = [m for m in _catalogue("sr_Latn") if m.id and m.auto_comments]
    assert len(commented) >= 5
    assert all(not comment.startswith("i18n:") for m in commented for comment in m.auto_comments)
