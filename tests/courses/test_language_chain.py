"""A close language before English: each language's chain, on the page and in the API."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.core.i18n import language_chain, localized, parse_language_chains
from tests.conftest import login


def test_every_chain_starts_with_its_language_and_ends_in_english():
    chains = parse_language_chains(None)
    assert chains["cnr"] == ("cnr", "sr_Latn", "bs", "sr_Cyrl", "en")
    assert chains["bs"] == ("bs", "sr_Latn", "cnr", "sr_Cyrl", "en")
    assert chains["sr_Cyrl"][:2] == ("sr_Cyrl", "sr_Latn")
    assert chains["mk"][:2] == ("mk", "sr_Cyrl")
    assert chains["sq"] == ("sq", "en") and chains["en"] == ("en",)


def test_a_setting_overrides_one_languages_chain_and_keeps_the_others():
    chains = parse_language_chains("mk=bs ; cnr=bs,sr_Latn")
    assert chains["mk"] == ("mk", "bs", "en")
    assert chains["cnr"] == ("cnr", "bs", "sr_Latn", "en")
    assert chains["bs"] == ("bs", "sr_Latn", "cnr", "sr_Cyrl", "en")


@pytest.mark.parametrize("setting", ["cnr=sr", "xx=bs", "cnr"])
def test_an_unreadable_setting_stops_the_application_from_starting(setting):
    with pytest.raises(RuntimeError, match="LMS_LANGUAGE_CHAINS"):
        create_app({"LMS_LANGUAGE_CHAINS": setting, "TESTING": True})


def test_a_title_missing_in_montenegrin_is_read_in_serbian_not_english(app):
    with app.app_context():
        assert language_chain("cnr")[1] == "sr_Latn"
        texts = {"en": "Welcome", "sr_Latn": "Dobrodošlica", "mk": "Добредојдовте"}
        assert localized(texts, "cnr") == "Dobrodošlica"
        assert localized(texts, "bs") == "Dobrodošlica"
        assert localized(texts, "sq") == "Welcome"
        assert localized({"en": "Welcome", "sr_Cyrl": "Добродошлица"}, "mk") == "Добродошлица"


def test_a_montenegrin_reader_reads_the_serbian_lesson_and_is_told_which_language_it_is(
        client, imported, make_user):
    login(client, make_user(language="cnr"))
    client.form("/courses/self-paced-basics/enrol")
    page = client.get("/courses/self-paced-basics/intro/welcome").get_data(as_text=True)
    assert "Službenici za probaciju" in page and "Probation officers supervise" not in page
    assert 'lang="sr-Latn"' in page and "srpski" in page  # the notice names the language shown
    assert "Dobrodošlica" in page  # the title too


def test_the_api_says_which_language_a_lesson_is_in_and_that_it_is_a_close_one(
        client, session, imported, make_user):
    login(client, make_user(language="bs"))
    client.form("/courses/self-paced-basics/enrol")
    lesson_id = client.api("GET", "/api/v1/courses/self-paced-basics").get_json()["modules"][0]["lessons"][0]["id"]
    body = client.api("GET", f"/api/v1/lessons/{lesson_id}", headers={"Accept-Language": "bs"}).get_json()
    assert body["language"] == "sr_Latn" and body["fallback"] is True
    assert "Službenici za probaciju" in body["html"]


def test_an_albanian_reader_with_no_close_language_reads_english(client, imported, make_user):
    login(client, make_user(language="sq"))
    client.form("/courses/self-paced-basics/enrol")
    page = client.get("/courses/self-paced-basics/intro/welcome").get_data(as_text=True)
    assert "Probation officers supervise people" in page
