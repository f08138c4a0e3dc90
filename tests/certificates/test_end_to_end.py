"""From the last lesson to a revoked certificate, through the real doors."""

from __future__ import annotations

import re

from lms.certificates.models import Certificate
from lms.courses.models import Enrolment
from lms.courses.operations import complete_lesson
from tests.certificates.conftest import (
    certificate_of,
    complete_course,
    enrol,
    lessons_of,
    manager,
    pdf_qr_codes,
    pdf_text,
)
from tests.conftest import login


def test_completing_the_last_lesson_issues_a_certificate_that_verifies_until_revoked(
        app, client, session, courses, make_user):
    course = courses["self-paced-basics"]
    trainee = make_user(full_name="Đorđe Šćepanović", language="sr_Latn")
    enrolment = enrol(session, trainee, course)
    login(client, trainee)
    lessons = lessons_of(session, course)
    for lesson in lessons[:-1]:
        assert client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion").status_code == 200
    assert certificate_of(session, enrolment) is None

    response = client.api("PUT", f"/api/v1/lessons/{lessons[-1].id}/completion")
    assert response.status_code == 200 and response.get_json()["completed"] is True
    session.expire_all()
    certificate = certificate_of(session, enrolment)
    completed = session.get(Enrolment, enrolment.id)
    assert certificate is not None and certificate.is_valid
    assert certificate.completed_at == completed.completed_at
    assert certificate.kind == "accomplishment"  # a self-paced course

    # The trainee's dashboard links the PDF; it carries the name, the code and a QR code
    # that leads to the public verification page.
    dashboard = client.get("/dashboard").get_data(as_text=True)
    link = re.search(r'href="(/certificates/\d+\.pdf)"', dashboard).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Đorđe Šćepanović" in text and certificate.grouped_code in text
    url = f"{app.config['LMS_BASE_URL']}/verify/{certificate.grouped_code}"
    assert pdf_qr_codes(pdf.data) == [url]

    anonymous = app.test_client()
    page = anonymous.get(url.removeprefix(app.config["LMS_BASE_URL"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Valid" in html and "Đorđe Šćepanović" in html and "Revoked" not in html

    admin = make_user(roles=("admin",), beneficiary=None)
    admin_client = app.test_client()
    login(admin_client, admin)
    response = admin_client.form(f"/manage/certificates/{certificate.id}/revoke",
                                 {"reason": "Issued for a course the trainee did not take.",
                                  "version": str(certificate.version)})
    assert response.status_code == 302

    html = anonymous.get(f"/verify/{certificate.grouped_code}").get_data(as_text=True)
    assert "Revoked" in html and "Issued for a course the trainee did not take." in html
    body = anonymous.get(f"/api/v1/certificates/{certificate.code.lower()}").get_json()
    assert body["status"] == "revoked" and body["revocation_reason"].startswith("Issued for a course")


def test_the_certificate_is_created_in_the_completing_transaction_and_rolls_back_with_it(
        session, courses, make_user):

    course = courses["self-paced-basics"]
    trainee = make_user()
    enrolment = enrol(session, trainee, course)
    lessons = lessons_of(session, course)
    for lesson in lessons[:-1]:
        complete_lesson(session, trainee, lesson)
    session.commit()

    complete_lesson(session, trainee, lessons[-1])
    # Not committed yet: the completion and its certificate are in the same transaction.
    assert session.get(Enrolment, enrolment.id).completed_at is not None
    assert session.query(Certificate).filter_by(enrolment_id=enrolment.id).count() == 1
    session.rollback()
    assert session.get(Enrolment, enrolment.id).completed_at is None
    assert session.query(Certificate).filter_by(enrolment_id=enrolment.id).count() == 0


def test_a_national_manager_of_another_beneficiary_cannot_revoke(app, client, session, courses, make_user):
    course = courses["self-paced-basics"]
    trainee = make_user(beneficiary="RS")
    enrolment = enrol(session, trainee, course)

    complete_course(session, trainee, course)
    certificate = certificate_of(session, enrolment)
    login(client, manager(make_user, beneficiary="AL"))
    response = client.form(f"/manage/certificates/{certificate.id}/revoke", {"reason": "No."})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Certificate, certificate.id).is_valid
