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


def test_a_course_page_naming_a_kosovo_annex_carries_the_footnote_on_every_view(
        client, session, reference, tmp_path, regional_manager):
    """The outline's headings are drawn once, but the annex tag that names Kosovo* is written
    on every view: the second view, drawn from what the first kept, has the footnote too."""
    import shutil
    from pathlib import Path

    from lms.courses.importer import import_content

    content = tmp_path / "annexes"
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "annexes", content)
    module = content / "tutored-annexes" / "annex-rs" / "module.yaml"
    module.write_text(module.read_text().replace("beneficiaries: [RS]", "beneficiaries: [XK]"))
    import_content(session, content)
    session.commit()
    login(client, regional_manager)   # staff see every annex, labelled
    for _view in range(2):
        html = client.get("/courses/tutored-annexes").get_data(as_text=True)
        assert "National annex for Kosovo*" in html and FOOTNOTE in html
