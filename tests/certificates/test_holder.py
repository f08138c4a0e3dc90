"""The trainee finds and downloads their certificates; nobody else's."""

from __future__ import annotations

from tests.certificates.conftest import enrol, issued_certificate, pdf_text
from tests.conftest import login


def test_the_dashboard_and_the_course_page_offer_the_certificate(client, session, courses, make_user):
    trainee = make_user(full_name="Jovana Nikolić")
    certificate = issued_certificate(session, trainee, courses["self-paced-basics"])
    enrol(session, trainee, courses["tutored-basics"])  # not completed: no certificate shown for it
    login(client, trainee)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert dashboard.count("Download your certificate (PDF)") == 1
    assert f"/certificates/{certificate.id}.pdf" in dashboard and certificate.grouped_code in dashboard
    course_page = client.get("/courses/self-paced-basics").get_data(as_text=True)
    assert f"/certificates/{certificate.id}.pdf" in course_page
    assert "Download your certificate" not in client.get("/courses/tutored-basics").get_data(as_text=True)

    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Jovana Nikolić" in pdf_text(response.data)


def test_the_holder_lists_their_certificates_through_the_api(client, session, courses, make_user):
    trainee = make_user(full_name="Jovana Nikolić")
    certificate = issued_certificate(session, trainee, courses["self-paced-basics"])
    issued_certificate(session, make_user(), courses["self-paced-basics"])  # someone else's
    login(client, trainee)
    body = client.api("GET", "/api/v1/me/certificates").get_json()
    assert [item["code"] for item in body] == [certificate.grouped_code]
    assert body[0]["verification_url"].endswith(f"/verify/{certificate.grouped_code}")
    pdf = client.api("GET", f"/api/v1/certificates/{certificate.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_nobody_else_downloads_a_trainees_certificate(app, session, courses, make_user):
    certificate = issued_certificate(session, make_user(beneficiary="RS"), courses["self-paced-basics"])
    for user in (make_user(), make_user(roles=("tutor",)), make_user(roles=("manager",), scope="national",
                                                                      beneficiary="AL")):
        other = app.test_client()
        login(other, user)
        assert other.get(f"/certificates/{certificate.id}.pdf").status_code == 404
        assert other.api("GET", f"/api/v1/certificates/{certificate.id}/pdf").status_code == 404
    assert app.test_client().get(f"/certificates/{certificate.id}.pdf").status_code == 302  # sign in first
    assert app.test_client().get("/api/v1/me/certificates").status_code == 401


def _certificate_statements(counter) -> list[str]:
    """The statements that read certificates, but for the session check."""
    return [s for s in counter.statements if "FROM certificate" in s and "user_session" not in s]


def test_the_pages_read_certificates_only_for_someone_holding_one(client, session, courses, make_user,
                                                                  count_queries):
    """The session check of the dashboard and the course page counts the reader's certificates:
    none held, no statement reads them; one held, the boxes read it."""
    trainee = make_user()
    enrol(session, trainee, courses["self-paced-basics"])
    session.commit()
    login(client, trainee)
    for page in ("/dashboard", "/courses/self-paced-basics"):
        client.get(page)
        with count_queries() as none:
            assert "Download your certificate" not in client.get(page).get_data(as_text=True)
        assert _certificate_statements(none) == [], page
    certificate = issued_certificate(session, trainee, courses["tutored-basics"])
    for page in ("/dashboard", "/courses/tutored-basics"):
        with count_queries() as one:
            assert f"/certificates/{certificate.id}.pdf" in client.get(page).get_data(as_text=True)
        assert _certificate_statements(one), page


def test_the_dashboard_costs_the_same_queries_with_one_or_many_certificates(
        client, session, courses, make_user, count_queries, imported):
    trainee = make_user()
    issued_certificate(session, trainee, courses["self-paced-basics"])
    login(client, trainee)
    with count_queries() as one:
        assert client.get("/dashboard").status_code == 200
    issued_certificate(session, trainee, courses["tutored-basics"])
    issued_certificate(session, trainee, courses["multilingual-basics"])
    with count_queries() as three:
        html = client.get("/dashboard").get_data(as_text=True)
    assert html.count("Download your certificate (PDF)") == 3
    assert three.count == one.count
