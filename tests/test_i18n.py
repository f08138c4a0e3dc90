"""Locale choice: the user's setting → an explicit choice → Accept-Language → English."""

from __future__ import annotations

import re

from tests.conftest import login


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_default_is_english(client):
    assert _lang(client.get("/login")) == "en"


def test_accept_language_is_used_when_nothing_was_chosen(client):
    assert _lang(client.get("/login", headers={"Accept-Language": "sq-AL,sq;q=0.9,en;q=0.5"})) == "sq"
    assert _lang(client.get("/login", headers={"Accept-Language": "sr-Latn-RS"})) == "sr-Latn"
    assert _lang(client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.8"})) == "en"


def test_an_explicit_choice_beats_accept_language(client):
    client.form("/language", {"language": "mk", "next": "/login"})
    assert _lang(client.get("/login", headers={"Accept-Language": "sq"})) == "mk"


def test_the_users_setting_beats_an_explicit_choice(app, make_user):
    user = make_user(language="bs")
    client = app.test_client()
    client.get("/login")
    login(client, user)
    with client.session_transaction() as session:
        session["language"] = "mk"
    assert _lang(client.get("/dashboard", headers={"Accept-Language": "sq"})) == "bs"


def test_switching_language_when_signed_in_changes_the_setting(client, make_user, session):
    from lms.accounts.models import User

    user = make_user(language="en")
    login(client, user)
    client.form("/language", {"language": "sr_Cyrl", "next": "/dashboard"})
    session.expire_all()
    assert session.get(User, user.id).language == "sr_Cyrl"


def test_unknown_language_choice_is_ignored_and_next_must_be_local(client):
    response = client.form("/language", {"language": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_switcher_shows_each_language_by_its_own_name(client):
    html = client.get("/login").get_data(as_text=True)
    for name in ("English", "shqip", "bosanski", "srpski", "српски", "македонски", "crnogorski"):
        assert f">{name}</option>" in html


def test_serbian_latin_catalogue_translates_the_interface(client):
    html = client.get("/login", headers={"Accept-Language": "sr-Latn"}).get_data(as_text=True)
    assert "Prijava" in html and "Sign in" not in html


def test_api_errors_follow_accept_language(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "sr-Latn"})
    assert response.status_code == 401
    assert response.get_json()["errors"]["_general"] == ["Najpre se prijavite."]


def test_numbers_are_written_in_each_languages_digits_whichever_language_asked_first(app):
    """Numbers are kept per language and value: the English one kept first is not what an
    Albanian or Serbian page gets, and a float is not taken for the equal whole number."""
    from flask_babel import format_number

    from lms.core.i18n import format_number_value, ngettext, use_language

    written = {}
    with app.test_request_context():
        for code in ("en", "sq", "sr-Latn", "en"):  # English again: kept, and still English
            with use_language(code):
                written[code] = (format_number_value(1234567), format_number_value(2.5), format_number_value(2),
                                 ngettext("%(num)s minute", "%(num)s minutes", 12345))
                assert written[code][:3] == (format_number(1234567), format_number(2.5), format_number(2))
    assert written["en"][0] == "1,234,567" and written["en"][3] == "12,345 minutes"
    assert written["sq"][0] == "1\xa0234\xa0567" and written["sq"][3].startswith("12\xa0345 ")
    assert written["en"][1] == "2.5" and written["en"][2] == "2"
