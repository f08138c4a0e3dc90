"""Every page of every role, in every shipped language, without an English word of the interface.

The pages are the application's own: every HTML GET route of ``app.url_map``, its parameters
filled from the fixture world (``world`` in conftest). A new page is checked as soon as it
exists; a new kind of URL parameter needs its value in the world's ``values``, and a route that
is not an HTML page (a download, JSON) goes in ``NOT_PAGES``. Course content is exempt: the
templates mark it ``data-content`` and say on the page when it is not translated.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for

from lms.core.i18n import DEFAULT_LANGUAGE, SHIPPED
from lms.extensions import db
from tests.conftest import login
from tests.i18n.english import course_texts, english_in_json, english_on_page

LOCALES = [code for code in SHIPPED if code != DEFAULT_LANGUAGE]
ROLES = ("anonymous", "trainee", "tutor", "manager", "admin")

# Routes that are not pages: files, JSON, redirects.
NOT_PAGES = {
    "static", "core.healthz", "core.readyz", "api-docs.openapi_json", "badges.assertion", "badges.badge_class", "badges.badge_class_in", "badges.issuer",
    "badges.static", "certificates.download", "certificates.manager_download", "certificates.cohort_zip",
    "tutors.progress_csv", "assignments.attachment", "courses.continue_course", "quizzes.question_file",
    "reports.export", "quizzes.export_bank", "tutors.moodle_grades_csv", "core.favicon",
    "meetings.feed",
    "reports.donor_download",
    "surveys.export",
    "offline.service_worker", "offline.manifest",
}

# Pages worth seeing in another state than the bare URL gives (a search, a filter, a preview).
MORE_PAGES = {
    "anonymous": ["/glossary?q=bezbednost", "/verify?code=NOT-A-CODE"],
    "trainee": ["/courses/serbian-scripts", "/courses/tutored-casework/assessment/indicators?language=en"],
    "tutor": ["/tutor/queue?status=all", "/courses/tutored-casework/release/preparing"],
    "manager": ["/courses/serbian-scripts/rights/echr", "/manage/certificates?q=Šćepanović", "/cohorts/new",
                "/manage/completions?q=Jelena", "/reports/donor?start=2024-01-01&end=2026-12-31",
                "/courses/tutored-casework/evaluation/results?by=cohort"],
    "admin": ["/admin/users?q=Jelena"],
}

# Forms sent with mistakes: their validation messages must be translated too.
BAD_FORMS = [
    ("anonymous", "/login", {"email": "", "password": ""}),
    ("anonymous", "/register", {"email": "not-an-address", "full_name": "", "password": "short"}),
    ("anonymous", "/reset-password", {"email": ""}),
    ("trainee", "/join", {"key": "WRONG-KEY1"}),
    ("trainee", "/account/password", {"current_password": "wrong", "new_password": "short"}),
    ("trainee", "/courses/tutored-casework/evaluation", {"relevance": "9", "time": ""}),
    ("trainee", "/courses/tutored-casework/assignments/release-case", {"body": "", "action": "submit"}),
    ("tutor", "/submissions/{submission_id}", {"feedback": "", "outcome": "", "version": "1"}),
    ("manager", "/cohorts/new", {"name": "", "capacity": "many", "starts_on": "someday"}),
    ("manager", "/manage/enrolments/{enrolment_id}/complete", {"reason": ""}),
    ("admin", "/admin/institutions", {"beneficiary": "", "name": ""}),
    ("tutor", "/cohorts/{cohort_id}/sessions/new", {"kind": "party", "title": "", "starts_at": "2027-03-01T10:00",
                                                    "ends_at": "2027-03-01T09:00", "online_url": "ftp://x"}),
    ("tutor", "/sessions/{meeting_id}/attendance", {"version": "0"}),
    ("trainee", "/account/time-zone", {"time_zone": "Mars/Olympus_Mons"}),
    ("tutor", "/cohorts/{cohort_id}/announcements", {"title": "", "body": ""}),
    ("tutor", "/cohorts/{cohort_id}/reminders", {"template": "behind"}),
    ("tutor", "/cohorts/{cohort_id}/reminders/automatic", {"inactive_days": "500"}),
    ("trainee", "/notifications/preferences", {"email_announcement": "hourly"}),
    ("trainee", "/forums/{forum_id}/new", {"title": "", "module_id": "", "body": ""}),
    ("tutor", "/forums/posts/{post_id}/hide", {"reason": ""}),
]


def _clients(app, users, code):
    clients = {"anonymous": app.test_client()}
    clients["anonymous"].form("/language", {"language": code, "next": "/"})
    for role, user in users.items():
        clients[role] = app.test_client()
        login(clients[role], user)
    return clients


def _page_urls(app, values) -> dict[str, str]:
    """Every HTML page route, with its parameters filled; fails naming a parameter it cannot fill."""
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in NOT_PAGES or rule.rule.startswith("/api/") or "GET" not in rule.methods:
                continue
            given = {**values, **values.get("for", {}).get(rule.endpoint, {})}  # per-endpoint values win
            missing = rule.arguments - set(given)
            assert not missing, f"add a value for {sorted(missing)} of {rule.endpoint} to the world's values"
            urls[rule.endpoint] = url_for(rule.endpoint, **{name: given[name] for name in rule.arguments})
    return urls


def _english(response, code):
    return english_on_page(response.get_data(as_text=True), code, course_texts(db.session))


@pytest.mark.parametrize("code", LOCALES)
def test_every_page_of_every_role_is_in_the_readers_language(app, world, code):
    data = world(code)
    clients = _clients(app, data["users"], code)
    reached, problems = set(), []
    for endpoint, url in _page_urls(app, data["values"]).items():
        for role in ROLES:
            response = clients[role].get(url, headers={"Accept-Language": code})
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            reached.add(endpoint)
            assert f'<html lang="{"sr-Latn" if code == "sr_Latn" else "sr-Cyrl" if code == "sr_Cyrl" else code}"' \
                in response.get_data(as_text=True)
            problems += [f"{role} {url}: “{fragment}”" for fragment in _english(response, code)]
    unreached = set(_page_urls(app, data["values"])) - reached
    assert not unreached, f"no role could open {sorted(unreached)}: give the world what they need"
    for role, urls in MORE_PAGES.items():
        for url in urls:
            response = clients[role].get(url, headers={"Accept-Language": code})
            assert response.status_code == 200, (role, url, response.status_code)
            problems += [f"{role} {url}: “{fragment}”" for fragment in _english(response, code)]
    assert not problems, "English left on pages:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", LOCALES)
def test_validation_and_flash_messages_are_in_the_readers_language(app, world, code):
    data = world(code)
    clients = _clients(app, data["users"], code)
    problems = []
    for role, url, form in BAD_FORMS:
        url = url.format(**data["values"])
        response = clients[role].form(url, form, headers={"Accept-Language": code}, follow_redirects=True)
        assert response.status_code < 500, (role, url)
        problems += [f"{role} POST {url}: “{fragment}”" for fragment in _english(response, code)]
    assert not problems, "English left after a bad form:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", LOCALES)
def test_flash_messages_after_actions_are_in_the_readers_language(app, world, code):
    data = world(code)
    clients = _clients(app, data["users"], code)
    manager, trainee = clients["manager"], clients["trainee"]
    pages = [
        manager.form(f"/cohorts/{data['cohort'].id}/key", follow_redirects=True),
        manager.form(f"/manage/certificates/{data['certificate'].id}/revoke",
                     {"reason": "Issued by mistake", "version": data["certificate"].version}, follow_redirects=True),
        trainee.form("/language", {"language": code, "next": "/dashboard"}, follow_redirects=True),
        clients["anonymous"].form("/reset-password", {"email": "nobody@example.org"}, follow_redirects=True),
    ]
    problems = [f"“{fragment}”" for page in pages for fragment in _english(page, code)]
    assert all(page.status_code == 200 for page in pages)
    assert any('class="flash flash-success"' in page.get_data(as_text=True) for page in pages)
    assert not problems, problems


def _api(client, method, url, code, **kwargs):
    headers = {"Accept-Language": code.replace("_", "-"), **kwargs.pop("headers", {})}
    return client.api(method, url, headers=headers, **kwargs)


@pytest.mark.parametrize("code", LOCALES)
def test_api_errors_follow_accept_language(app, world, session, code):
    from lms.accounts.operations import create_api_token

    data = world("en")  # the users read English: the header alone decides
    client = app.test_client()
    _token, manager_token = create_api_token(session, data["users"]["manager"], "test")
    _token, trainee_token = create_api_token(session, data["users"]["trainee"], "test")
    session.commit()
    responses = {
        "401": _api(client, "GET", "/api/v1/me", code),
        "404": _api(client, "GET", "/api/v1/courses/no-such-course", code, token=trainee_token),
        "403": _api(client, "GET", "/api/v1/cohorts/0/progress", code, token=trainee_token),
        "422 schema": _api(client, "POST", "/api/v1/cohorts", code, token=manager_token,
                           json={"name": "x" * 300, "capacity": "many", "surprise": 1}),
        "422 domain": _api(client, "POST", "/api/v1/cohorts/join", code, token=trainee_token, json={"key": "NOPE-NOPE"}),
        "422 json": _api(client, "POST", "/api/v1/cohorts", code, token=manager_token, data="{not json",
                         headers={"Content-Type": "application/json"}),
    }
    for name, response in responses.items():
        assert 400 <= response.status_code < 500, (name, response.status_code)
        body = response.get_json()
        assert english_in_json(body["errors"], code) == [], (name, body)
    errors = responses["422 schema"].get_json()["errors"]
    assert set(errors) >= {"course", "name", "capacity", "surprise"}
    from lms.core.catalogues import po_path, read_catalogue

    expected = read_catalogue(po_path(code), code)["Missing data for required field."].string
    assert expected and errors["course"] == [expected]


def test_a_page_with_english_left_on_it_is_caught():
    """The checker itself: it finds English outside content, and only there."""
    html = ('<html><head><title>Moje učenje</title></head><body><p>Sign in</p><p data-content>Sign in</p>'
            '<button aria-label="Course progress">x</button><span title="Done" data-content-title>y</span></body></html>')
    found = english_on_page(html, "sr_Latn")
    assert "Course progress" in found and "Sign in" in found
    assert english_on_page(re.sub(r"<p>Sign in</p>|aria-label=\"Course progress\"", "", html), "sr_Latn") == []
