"""Every page that shows Kosovo* (a list, a choice) carries its footnote, in every language."""

from __future__ import annotations

import re

import pytest

from lms.accounts.reference import KOSOVO_FOOTNOTE
from lms.core.i18n import use_language
from tests.conftest import login

FOOTNOTE = 'id="kosovo-footnote"'


def _footnote(html: str) -> str:
    return re.search(r'<p class="footnote" id="kosovo-footnote">\* (.*?)</p>', html, re.S).group(1)


@pytest.mark.parametrize("code", ["en", "sq", "bs", "sr_Latn", "sr_Cyrl", "mk", "cnr"])
def test_the_registration_page_carries_the_footnote_in_the_readers_language(app, client, reference, code):
    html = client.get("/register", headers={"Accept-Language": code.replace("_", "-")}).get_data(as_text=True)
    assert "Kosov" in html or "Косов" in html
    with app.test_request_context(), use_language(code):
        expected = str(KOSOVO_FOOTNOTE)
    assert _footnote(html) == expected.replace('"', "&#34;")


def test_account_admin_user_and_certificate_list_pages_carry_the_footnote(client, make_user):
    trainee = make_user()
    login(client, trainee)
    assert FOOTNOTE in client.get("/account").get_data(as_text=True)
    client.application.test_client()
    admin = client.application.test_client()
    login(admin, make_user(roles=("admin",), beneficiary=None))
    assert FOOTNOTE in admin.get(f"/admin/users/{trainee.id}").get_data(as_text=True)
    manager = client.application.test_client()
    login(manager, make_user(roles=("manager",), scope="regional", beneficiary=None))
    assert FOOTNOTE in manager.get("/manage/certificates").get_data(as_text=True)


def test_a_page_that_names_no_beneficiary_has_no_footnote(client, imported):
    assert FOOTNOTE not in client.get("/").get_data(as_text=True)
