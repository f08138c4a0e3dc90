"""The one input gate: no NUL, no half surrogate pair, no endless text, no deep or huge JSON
reaches a handler, on any form or API field; refused with 422 (413) naming the field, and
nothing written. The API cases come from the OpenAPI description and the form cases from
every form class and every POST page, so a new schema or form is covered without a new test."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

from lms.core.forms import Form
from lms.extensions import db
from tests.conftest import login

BAD_TEXTS = {"nul": "a\x00b", "lone_surrogate": "a\ud800b"}


def _row_counts() -> dict:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fill(path: str) -> str:
    """A path of the description with every parameter given (ids of 1)."""
    return "/".join("1" if part.startswith("{") else part for part in path.split("/"))


def _json_writes(app) -> list[tuple[str, str, list[str]]]:
    """(method, url, names of the string fields) of every API operation with a JSON body."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch", "delete"}:
                continue
            body = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
            if not body:
                continue
            schema = _resolve(spec, body["schema"])
            strings = sorted(name for name, prop in schema.get("properties", {}).items()
                             if _resolve(spec, prop).get("type") == "string")
            found.append((method.upper(), _fill(path if path.startswith("/api") else "/api/v1" + path),
                          strings))
    return found


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _form_field_names() -> list[str]:
    names = set()
    for form in _all_subclasses(Form):
        for klass in form.__mro__:
            names.update(name for name, value in vars(klass).items() if isinstance(value, UnboundField))
    return sorted(names - {"csrf_token"})


def _html_posts(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        urls.append("/".join("1" if part.startswith("<") else part for part in rule.rule.split("/")))
    return sorted(set(urls))


@pytest.fixture
def admin_client(client, make_user):
    login(client, make_user(roles=("admin", "tutor", "manager", "trainee"), scope="regional"))
    return client


def test_the_api_has_json_writes_and_the_site_has_forms(app):
    """The parametrised cases below are not vacuous."""
    writes = _json_writes(app)
    assert len(writes) >= 5 and any(strings for _m, _u, strings in writes)
    assert len(_form_field_names()) >= 20 and len(_html_posts(app)) >= 10


@pytest.mark.parametrize("kind", sorted(BAD_TEXTS))
def test_every_string_of_every_api_body_is_refused_by_name(app, admin_client, session, kind):
    for method, url, strings in _json_writes(app):
        if not strings:
            continue
        before = _row_counts()
        response = admin_client.api(method, url, json={name: BAD_TEXTS[kind] for name in strings})
        assert response.status_code == 422, (method, url, response.get_json())
        assert set(response.get_json()["errors"]) == set(strings), (method, url)
        assert _row_counts() == before, (method, url)


@pytest.mark.parametrize("body,status", [("[" * 1000 + "]" * 1000, 422), ('{"a":' * 1000 + "1" + "}" * 1000, 422),
                                         ('{"name": "' + "x" * (2 * 1024 * 1024) + '"}', 413)])
def test_deep_or_huge_json_is_refused_before_parsing_on_every_api_write(app, admin_client, body, status):
    for method, url, _strings in _json_writes(app):
        response = admin_client.open(url, method=method, data=body, content_type="application/json",
                                     headers={"X-CSRFToken": admin_client.csrf_token()})
        assert response.status_code == status, (method, url, response.status_code)
        assert response.get_json()["status"] == status


def test_every_form_field_on_every_page_is_refused_by_name(app, admin_client, session):
    names = _form_field_names()
    for url in _html_posts(app):
        before = _row_counts()
        response = admin_client.form(url, {name: BAD_TEXTS["nul"] for name in names})
        assert response.status_code == 422, (url, response.status_code)
        page = response.get_data(as_text=True)
        assert all(f"“{name}”" in page for name in names), url
        assert _row_counts() == before, url


def test_query_arguments_pass_the_gate_too(admin_client):
    response = admin_client.get("/admin/users?q=a%00b")
    assert response.status_code == 422 and "“q”" in response.get_data(as_text=True)


def test_text_longer_than_the_limit_is_refused(make_app, make_user):
    other = make_app(LMS_TEXT_MAX_CHARS=50)
    client = other.test_client()
    login(client, make_user())
    answer = client.api("POST", "/api/v1/me/tokens", json={"name": "x" * 51})
    assert answer.status_code == 422 and "50 characters" in answer.get_json()["errors"]["name"][0]


def test_text_is_stored_in_nfc_from_forms_and_json(admin_client, session, reference):
    from lms.accounts.models import ApiToken

    decomposed = "Kos\u030cutic\u0301"  # Košutić typed with combining marks
    answer = admin_client.api("POST", "/api/v1/me/tokens", json={"name": decomposed})
    assert answer.status_code == 201 and answer.get_json()["name"] == "Košutić"
    admin_client.form("/account/tokens", {"name": "Form " + decomposed})
    names = set(session.scalars(select(ApiToken.name)))
    assert {"Košutić", "Form Košutić"} <= names


def test_a_password_is_kept_exactly_as_typed(client, make_user):
    decomposed_password = "pa\u0301ssword with accent"
    user = make_user()
    login(client, user)
    from tests.conftest import PASSWORD

    client.form("/account/password", {"current_password": PASSWORD, "new_password": decomposed_password})
    other = client.application.test_client()
    assert login(other, user, decomposed_password).status_code == 302


def test_a_csv_file_with_a_nul_is_refused_at_its_line():
    from lms.tutors.operations.csv_enrolment import CsvInvalid, _read

    with pytest.raises(CsvInvalid) as refused:
        _read(b"email,full_name\nana@example.org,Ana\x00\n")
    assert refused.value.rows[0][0] == 2


def test_a_question_file_with_a_nul_is_refused_at_its_line():
    from lms.quizzes.bank import GIFT, parse_file

    result = parse_file(b"::Q1:: Two? {=2 ~3}\n\n::Q2:: Bad\x00 {=yes ~no}\n", GIFT)
    assert result.errors and result.errors[0].line == 3


def test_content_files_with_a_nul_or_a_half_surrogate_are_refused_at_their_line(tmp_path):
    from lms.courses.content import Problems, read_text
    from lms.courses.yamlfile import YamlProblem, load_yaml

    with pytest.raises(YamlProblem) as refused:
        load_yaml('title:\n  en: "fine"\n  sq: "bad \\0 text"\n')
    assert refused.value.line == 3
    with pytest.raises(YamlProblem):
        load_yaml('title: "half \\ud800 a pair"\n')
    assert load_yaml('title: "Kos\\u030Cutic\\u0301"\n')["title"] == "Košutić"
    page = tmp_path / "lesson.md"
    page.write_text("# Lesson\n\nText\x00\n", encoding="utf-8")
    problems = Problems()
    assert read_text(page, problems) is None and problems[0].line == 3
