"""The form token: signed once per session and process, still the session's own."""

from __future__ import annotations

import re

from lms.core.app_cache import app_cache
from tests.conftest import login

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _tokens(client, url):
    return set(TOKEN.findall(client.get(url).get_data(as_text=True)))


def test_every_page_of_a_session_carries_one_token_that_its_forms_accept(client, make_user):
    login(client, make_user())
    first, second = _tokens(client, "/dashboard"), _tokens(client, "/notifications")
    assert len(first) == 1 and first == second
    response = client.post("/notifications/read-all", data={"csrf_token": first.pop()})
    assert response.status_code == 303


def test_another_session_s_token_is_refused(client, app, make_user):
    login(client, make_user())
    other = app.test_client()
    login(other, make_user())
    mine, theirs = _tokens(client, "/dashboard"), _tokens(other, "/dashboard")
    assert mine and theirs and mine != theirs
    response = client.post("/notifications/read-all", data={"csrf_token": theirs.pop()})
    assert response.status_code == 400


def test_with_a_time_limit_on_tokens_each_page_signs_its_own(client, app, make_user):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    try:
        login(client, make_user())
        with app.app_context():
            app_cache("form_tokens").clear()
        assert len(_tokens(client, "/dashboard")) == 1
        with app.app_context():
            assert app_cache("form_tokens") == {}
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = None
