"""Validity and recertification: a course's certificates expire, verify as expired (not
revoked), their holders are reminded, and a refresher course renews them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.certificates.models import Certificate, CertificatePolicy
from lms.certificates.operations import add_months, revoke, send_expiry_reminders
from lms.core.audit import AuditEntry
from lms.core.mail import OutboxMail
from lms.core.models import utcnow
from lms.courses.content import check_content
from lms.courses.importer import import_content
from lms.courses.models import Course
from lms.extensions import db
from tests.certificates.conftest import certificate_of, complete_course, lessons_of, pdf_text
from tests.conftest import FIXTURES, login

RECERTIFICATION = FIXTURES / "recertification"


@pytest.fixture
def safety(imported, session):
    import_content(session, RECERTIFICATION)
    session.commit()
    return {c.slug: c for c in session.scalars(select(Course).where(Course.slug.like("safety-%")))}


@pytest.fixture
def holder(make_user):
    return make_user(full_name="Arta Krasniqi", email="arta@example.org", beneficiary="AL", language="sq")


def _expire(session, certificate, days_ago: int = 3) -> Certificate:
    """Time passes: the certificate's validity ran out ``days_ago`` days ago."""
    stored = session.get(Certificate, certificate.id)
    stored.expires_at = utcnow() - timedelta(days=days_ago)
    session.commit()
    return stored


def test_the_course_file_gives_the_validity_period(safety, session):
    policy = session.get(CertificatePolicy, safety["safety-basics"].id)
    assert (policy.valid_months, policy.remind_days, policy.renews) == (24, 60, [])
    refresher = session.get(CertificatePolicy, safety["safety-refresher"].id)
    assert (refresher.valid_months, refresher.remind_days, refresher.renews) == (24, 30, ["safety-basics"])


def test_months_are_added_by_the_calendar():
    assert add_months(datetime(2024, 1, 31, 9, tzinfo=UTC), 1) == datetime(2024, 2, 29, 9, tzinfo=UTC)
    assert add_months(datetime(2025, 11, 15, tzinfo=UTC), 24) == datetime(2027, 11, 15, tzinfo=UTC)
    assert add_months(datetime(2025, 3, 10, tzinfo=UTC), 10) == datetime(2026, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("section, message", [
    ("certificate: {valid_for_months: 0}", "valid_for_months must be a whole number from 1 to 240"),
    ("certificate: {remind_days_before: 10}", "remind_days_before needs valid_for_months"),
    ("certificate: {valid_for_months: 12, renews: [safety-basics]}", "cannot renew its own certificates"),
    ("certificate: {valid_for_months: 12, renews: safety-refresher}", "renews must be a list of course slugs"),
    ("certificate: {valid_for_months: 12, lasts: 3}", "unknown key 'lasts' in certificate"),
    ("certificate: 24", "certificate must be a mapping"),
])
def test_a_wrong_certificate_section_is_reported_at_its_line(ctx, tmp_path, section, message):
    folder = tmp_path / "safety-basics"
    source = RECERTIFICATION / "safety-basics"
    (folder / "only").mkdir(parents=True)
    for name in ("one.md", "one.sq.md"):
        (folder / "only" / name).write_text((source / "only" / name).read_text())
    text = (source / "course.yaml").read_text()
    start = text.index("certificate:")
    end = text.index("modules:")
    (folder / "course.yaml").write_text(text[:start] + section + "\n" + text[end:])
    problems = [str(p) for p in check_content(folder)]
    line = text[:start].count("\n") + 1
    assert any(f"course.yaml:{line}: " in p and message in p for p in problems), problems


def test_the_content_of_the_repository_still_checks(ctx):
    assert [str(p) for p in check_content(FIXTURES.parent.parent / "content")] == []


def test_a_certificate_of_a_course_with_a_validity_period_carries_its_expiry(client, session, safety, holder):
    enrolment = complete_course(session, holder, safety["safety-basics"])
    certificate = certificate_of(session, enrolment)
    assert certificate.expires_at == add_months(enrolment.completed_at, 24)
    assert certificate.state == "valid" and not certificate.is_expired
    body = client.get(f"/api/v1/certificates/{certificate.code}").get_json()
    assert body["status"] == "valid"
    assert body["expires_on"] == certificate.expires_at.date().isoformat()
    html = client.get(f"/verify/{certificate.grouped_code}").get_data(as_text=True)
    assert "Valid until" in html and 'id="expiry"' in html
    badge = client.get(f"/badges/assertions/{certificate.code}.json")
    assert badge.status_code == 200 and badge.get_json()["expires"] == certificate.expires_at.isoformat()


def test_the_pdf_prints_the_expiry_date(client, session, safety, make_user):
    trainee = make_user(language="en")
    certificate = certificate_of(session, complete_course(session, trainee, safety["safety-basics"]))
    login(client, trainee)
    text = pdf_text(client.get(f"/certificates/{certificate.id}.pdf").data)
    assert f"Valid until {certificate.expires_at.strftime('%B')}" in text
    assert str(certificate.expires_at.year) in text


def test_a_course_without_a_validity_period_gives_certificates_that_never_expire(client, session, courses,
                                                                                 make_user):
    certificate = certificate_of(session, complete_course(session, make_user(), courses["self-paced-basics"]))
    assert certificate.expires_at is None
    assert client.get(f"/api/v1/certificates/{certificate.code}").get_json()["expires_on"] is None
    assert "expires" not in client.get(f"/badges/assertions/{certificate.code}.json").get_json()


def test_an_expired_certificate_verifies_as_expired_not_revoked(client, session, safety, holder):
    certificate = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    assert certificate.status == "valid" and certificate.state == "expired"
    body = client.get(f"/api/v1/certificates/{certificate.code}").get_json()
    assert body["status"] == "expired" and body["revoked_on"] is None and body["revocation_reason"] is None
    html = client.get(f"/verify/{certificate.grouped_code}").get_data(as_text=True)
    assert "Expired" in html and "it was not revoked" in html and "Revoked" not in html
    # The badge: hosted, not gone; its expiry date has passed, which is what verifiers read as expired.
    badge = client.get(f"/badges/assertions/{certificate.code}.json")
    assert badge.status_code == 200
    document = badge.get_json()
    assert "revoked" not in document
    assert datetime.fromisoformat(document["expires"]) < utcnow()


def test_the_verification_page_says_expired_in_the_reader_s_language(client, session, safety, holder):
    certificate = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    html = client.get(f"/verify/{certificate.grouped_code}", headers={"Accept-Language": "sq"}).get_data(as_text=True)
    assert "Skaduar" in html and "nuk është shfuqizuar" in html


def test_a_revoked_certificate_past_its_date_verifies_as_revoked(client, session, safety, holder, make_user):
    certificate = certificate_of(session, complete_course(session, holder, safety["safety-basics"]))
    admin = make_user(roles=("admin",), beneficiary=None)
    revoke(session, admin, certificate, reason="Issued in error.")
    session.commit()
    _expire(session, certificate)
    assert client.get(f"/api/v1/certificates/{certificate.code}").get_json()["status"] == "revoked"
    assert client.get(f"/badges/assertions/{certificate.code}.json").status_code == 410


def test_the_holder_keeps_an_expired_certificate_and_is_shown_how_to_renew_it(client, session, safety, holder):
    enrolment = complete_course(session, holder, safety["safety-basics"])
    certificate = _expire(session, certificate_of(session, enrolment))
    login(client, holder)
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 200
    html = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/courses/safety-refresher" in html
    mine = client.get("/api/v1/me/certificates").get_json()
    assert mine[0]["state"] == "expired" and mine[0]["renewal_courses"] == ["safety-refresher"]


def test_another_trainee_cannot_download_an_expired_certificate(client, session, safety, holder, make_user):
    certificate = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    login(client, make_user(beneficiary="AL"))
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    assert client.get(f"/api/v1/certificates/{certificate.id}/pdf").status_code == 404


def test_a_manager_of_another_beneficiary_does_not_see_the_expiry(client, session, safety, holder, make_user):
    certificate = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    login(client, make_user(roles=("manager",), beneficiary="RS", scope="national"))
    assert client.get(f"/manage/certificates/{certificate.id}").status_code == 404
    assert client.get(f"/api/v1/manage/certificates/{certificate.id}").status_code == 404


def test_a_refresher_renews_with_one_new_valid_certificate(client, session, safety, holder):
    old = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    refresher = complete_course(session, holder, safety["safety-refresher"])
    new = certificate_of(session, refresher)
    session.refresh(old)
    assert session.scalar(select(func.count(Certificate.id)).where(Certificate.user_id == holder.id)) == 2
    assert new.state == "valid" and new.expires_at == add_months(refresher.completed_at, 24)
    assert old.renewed_by_id == new.id and old.renewed_at == new.issued_at and old.state == "expired"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.subject_id == old.id,
                                                    AuditEntry.action == "certificate.renewed"))
    assert entry.after == {"renewed_by": new.code}
    body = client.get(f"/api/v1/certificates/{old.code}").get_json()
    assert body["status"] == "expired"
    assert body["renewed_by"]["code"] == new.grouped_code and body["renewed_by"]["status"] == "valid"
    html = client.get(f"/verify/{old.grouped_code}").get_data(as_text=True)
    assert 'id="renewal"' in html and f"/verify/{new.grouped_code}" in html
    login(client, holder)
    assert client.get("/api/v1/me/certificates").get_json()[1]["renewed_by"] == new.grouped_code


def test_a_refresher_renews_nothing_that_is_revoked(session, safety, holder, make_user):
    old = certificate_of(session, complete_course(session, holder, safety["safety-basics"]))
    revoke(session, make_user(roles=("admin",), beneficiary=None), old, reason="Wrong person.")
    session.commit()
    complete_course(session, holder, safety["safety-refresher"])
    session.refresh(old)
    assert old.renewed_by_id is None


def test_a_refresher_completed_by_someone_without_the_certificate_only_issues_its_own(session, safety, make_user):
    trainee = make_user()
    new = certificate_of(session, complete_course(session, trainee, safety["safety-refresher"]))
    assert new.state == "valid"
    assert session.scalar(select(func.count(Certificate.id)).where(Certificate.renewed_by_id == new.id)) == 0


def _reminders(session):
    return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_holders_are_reminded_once_within_the_course_s_reminder_period(session, safety, holder, make_user):
    soon = certificate_of(session, complete_course(session, holder, safety["safety-basics"]))
    later_holder = make_user(email="later@example.org")
    later = certificate_of(session, complete_course(session, later_holder, safety["safety-basics"]))
    now = utcnow()
    session.get(Certificate, soon.id).expires_at = now + timedelta(days=45)   # within 60 days
    session.get(Certificate, later.id).expires_at = now + timedelta(days=75)  # not yet
    session.commit()
    before = len(_reminders(session))
    assert send_expiry_reminders(session, now).sent == 1
    mails = _reminders(session)[before:]
    assert [m.recipient for m in mails] == ["arta@example.org"]
    # In the holder's language (Albanian), with the refresher that renews it.
    assert "/courses/safety-refresher" in mails[0].text and "Rifreskim mbi sigurinë" in mails[0].text
    assert mails[0].subject != "Your certificate expires soon"
    assert session.get(Certificate, soon.id).reminded_at == now
    assert send_expiry_reminders(session, now).sent == 0  # never twice
    assert send_expiry_reminders(session, now + timedelta(days=20)).sent == 1  # the later one, in its turn


def test_no_reminder_for_a_certificate_already_renewed_or_expired(session, safety, holder):
    old = certificate_of(session, complete_course(session, holder, safety["safety-basics"]))
    complete_course(session, holder, safety["safety-refresher"])
    session.get(Certificate, old.id).expires_at = utcnow() + timedelta(days=5)
    session.commit()
    before = len(_reminders(session))
    # the refresher's own certificate expires in two years: nothing is due
    assert send_expiry_reminders(session, utcnow()).sent == 0
    assert len(_reminders(session)) == before


def test_the_reminder_runs_as_a_periodic_task(app, session, safety, holder):
    from lms.certificates.tasks import remind_expiring_certificates
    from lms.core.tasks import queue_of

    soon = certificate_of(session, complete_course(session, holder, safety["safety-basics"]))
    session.get(Certificate, soon.id).expires_at = utcnow() + timedelta(days=10)
    session.commit()
    queue_of(app).enqueue(remind_expiring_certificates)  # the test queue runs it at once, as the worker would
    session.expire_all()
    assert db.session.get(Certificate, soon.id).reminded_at is not None


def test_managers_filter_certificates_by_valid_expired_and_revoked(client, session, safety, holder, make_user):
    expired = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    in_date = certificate_of(session, complete_course(session, make_user(beneficiary="AL"), safety["safety-basics"]))
    manager = make_user(roles=("manager",), beneficiary="AL", scope="national")
    login(client, manager)

    def codes(status):
        body = client.api("GET", f"/api/v1/manage/certificates?status={status}&course=safety-basics").get_json()
        return {item["code"] for item in body["items"]}

    assert codes("expired") == {expired.grouped_code}
    assert codes("valid") == {in_date.grouped_code}
    assert codes("revoked") == set()
    html = client.get("/manage/certificates?status=expired").get_data(as_text=True)
    assert expired.grouped_code in html and in_date.grouped_code not in html and "tag-warn" in html
    refused = client.api("GET", "/api/v1/manage/certificates?status=lapsed")
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]


def test_renewal_through_the_json_door_from_the_holder_s_certificates(client, session, safety, holder):
    old = _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    login(client, holder)
    mine = client.api("GET", "/api/v1/me/certificates").get_json()
    [refresher_slug] = mine[0]["renewal_courses"]
    assert client.api("POST", "/api/v1/me/enrolments", json={"course": refresher_slug}).status_code == 201
    [lesson] = lessons_of(session, safety[refresher_slug])
    assert client.api("PUT", f"/api/v1/lessons/{lesson.id}/completion").status_code == 200
    mine = client.api("GET", "/api/v1/me/certificates").get_json()
    by_course = {item["course"]: item for item in mine}
    assert len(mine) == 2 and by_course["safety-refresher"]["state"] == "valid"
    assert by_course["safety-basics"]["renewed_by"] == by_course["safety-refresher"]["code"]
    assert client.get(f"/api/v1/certificates/{old.code}").get_json()["renewed_by"]["code"] == \
        by_course["safety-refresher"]["code"]


def test_renewal_through_the_html_door_from_the_dashboard(client, session, safety, holder):
    _expire(session, certificate_of(session, complete_course(session, holder, safety["safety-basics"])))
    login(client, holder)
    # Arta reads in Albanian, her profile's language.
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Rinovojeni duke përfunduar një kurs rifreskimi" in dashboard and "/courses/safety-refresher" in dashboard
    [lesson] = lessons_of(session, safety["safety-refresher"])
    client.form("/courses/safety-refresher/enrol")
    client.form(f"/courses/safety-refresher/lessons/{lesson.id}/done")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Rinovuar më" in dashboard and "Rinovojeni duke" not in dashboard
