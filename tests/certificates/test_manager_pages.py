"""Managers list the certificates of their beneficiaries, with filters; nobody else does."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.certificates.models import Certificate
from tests.certificates.conftest import issued_certificate, manager
from tests.conftest import login


def _certificates(session, courses, make_user):
    course = courses["self-paced-basics"]
    return {
        "rs": issued_certificate(session, make_user(full_name="Milica Ilić", beneficiary="RS"), course),
        "al": issued_certificate(session, make_user(full_name="Arta Hoxha", beneficiary="AL"), course),
        "tutored": issued_certificate(session, make_user(full_name="Nikola Savić", beneficiary="RS"),
                                      courses["tutored-basics"]),
    }


def test_a_regional_manager_lists_every_certificate_and_filters_them(client, session, courses, make_user, reference):
    made = _certificates(session, courses, make_user)
    login(client, make_user(roles=("manager",), scope="regional", beneficiary="MK"))
    html = client.get("/manage/certificates").get_data(as_text=True)
    assert all(name in html for name in ("Milica Ilić", "Arta Hoxha", "Nikola Savić"))

    html = client.get("/manage/certificates?beneficiary=AL").get_data(as_text=True)
    assert "Arta Hoxha" in html and "Milica Ilić" not in html
    html = client.get("/manage/certificates?course=tutored-basics").get_data(as_text=True)
    assert "Nikola Savić" in html and "Milica Ilić" not in html
    html = client.get(f"/manage/certificates?q={made['rs'].code.lower()}").get_data(as_text=True)
    assert "Milica Ilić" in html and "Arta Hoxha" not in html
    html = client.get("/manage/certificates?q=hox").get_data(as_text=True)
    assert "Arta Hoxha" in html and "Milica Ilić" not in html

    revoked = session.get(Certificate, made["al"].id)
    revoked.status, revoked.revoked_at, revoked.revocation_reason = "revoked", datetime.now(UTC), "Test."
    old = session.get(Certificate, made["tutored"].id)
    old.issued_at = datetime(2025, 1, 15, tzinfo=UTC)
    session.commit()
    html = client.get("/manage/certificates?status=revoked").get_data(as_text=True)
    assert "Arta Hoxha" in html and "Milica Ilić" not in html
    html = client.get("/manage/certificates?status=valid").get_data(as_text=True)
    assert "Milica Ilić" in html and "Arta Hoxha" not in html
    html = client.get("/manage/certificates?issued_from=2025-01-01&issued_to=2025-01-31").get_data(as_text=True)
    assert "Nikola Savić" in html and "Milica Ilić" not in html
    html = client.get("/manage/certificates?issued_from=2025-02-01").get_data(as_text=True)
    assert "Nikola Savić" not in html and "Milica Ilić" in html


def test_a_national_manager_sees_only_their_beneficiary(client, session, courses, make_user):
    made = _certificates(session, courses, make_user)
    login(client, manager(make_user, beneficiary="AL"))
    html = client.get("/manage/certificates").get_data(as_text=True)
    assert "Arta Hoxha" in html and "Milica Ilić" not in html and "Nikola Savić" not in html
    # Another beneficiary's certificates are refused, not silently empty…
    assert client.get("/manage/certificates?beneficiary=RS").status_code == 403
    assert client.api("GET", "/api/v1/manage/certificates?beneficiary=RS").status_code == 403
    # …and one of them is not even said to exist.
    assert client.get(f"/manage/certificates/{made['rs'].id}").status_code == 404
    assert client.get(f"/manage/certificates/{made['rs'].id}.pdf").status_code == 404
    assert client.api("GET", f"/api/v1/manage/certificates/{made['rs'].id}").status_code == 404
    body = client.api("GET", "/api/v1/manage/certificates").get_json()
    assert [item["holder_name"] for item in body["items"]] == ["Arta Hoxha"] and body["total"] == 1


def test_trainees_and_tutors_are_refused_the_certificate_lists(app, session, courses, make_user):
    made = _certificates(session, courses, make_user)
    for roles in (("trainee",), ("tutor",)):
        other = app.test_client()
        login(other, make_user(roles=roles))
        assert other.get("/manage/certificates").status_code == 403
        assert other.get(f"/manage/certificates/{made['rs'].id}").status_code == 403
        assert other.api("GET", "/api/v1/manage/certificates").status_code == 403
        assert other.api("GET", f"/api/v1/manage/certificates/{made['rs'].id}").status_code == 403
    assert app.test_client().get("/manage/certificates").status_code == 302  # to sign in


def test_the_api_lists_with_the_same_filters(client, session, courses, make_user):
    _certificates(session, courses, make_user)
    login(client, make_user(roles=("admin",), beneficiary=None))
    body = client.api("GET", "/api/v1/manage/certificates?course=tutored-basics").get_json()
    assert [item["holder_name"] for item in body["items"]] == ["Nikola Savić"]
    assert body["items"][0]["type"] == "completion" and body["items"][0]["beneficiary"] == "RS"
    assert client.api("GET", "/api/v1/manage/certificates?status=lost").status_code == 422
    assert client.api("GET", "/api/v1/manage/certificates?issued_from=yesterday").status_code == 422


def test_a_bad_date_filter_is_reported_not_a_500(client, session, courses, make_user):
    _certificates(session, courses, make_user)
    login(client, make_user(roles=("manager",), scope="regional"))
    response = client.get("/manage/certificates?issued_from=not-a-date")
    assert response.status_code == 200
    assert "Milica Ilić" in response.get_data(as_text=True)


def test_the_list_page_costs_the_same_queries_for_few_or_many_certificates(
        client, session, courses, make_user, count_queries):
    login(client, make_user(roles=("manager",), scope="regional"))
    course = courses["self-paced-basics"]

    def issue(count):
        for _ in range(count):
            issued_certificate(session, make_user(), course)

    issue(2)
    with count_queries() as few:
        assert client.get("/manage/certificates").status_code == 200
    issue(8)
    with count_queries() as many:
        html = client.get("/manage/certificates").get_data(as_text=True)
    assert html.count("<tr>") == 11  # header and ten certificates
    assert many.count == few.count
    with count_queries() as api_many:
        client.api("GET", "/api/v1/manage/certificates")
    issue(3)
    with count_queries() as api_more:
        client.api("GET", "/api/v1/manage/certificates")
    assert api_more.count == api_many.count


def test_the_detail_page_shows_the_history_and_the_actions(client, session, courses, make_user):
    made = _certificates(session, courses, make_user)
    login(client, manager(make_user, beneficiary="RS"))
    html = client.get(f"/manage/certificates/{made['rs'].id}").get_data(as_text=True)
    assert made["rs"].grouped_code in html and "Revoke the certificate" in html
    assert "Reissue the certificate" in html and "Shown publicly on the verification page." in html
    # Two forms on one page, each label tied to its own field.
    assert html.count('id="revoke-reason"') == html.count('for="revoke-reason"') == 1
    assert html.count('id="reissue-reason"') == html.count('for="reissue-reason"') == 1
